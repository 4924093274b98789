"""The call queue and the caseworker page.

The kiosk posts a call request like any upload (``POST /api/calls``, the uploads blueprint:
one record per nonce). This blueprint adds what a call needs besides:

- ``GET /api/calls/<nonce>``: how it stands, for the kiosk: ``waiting`` (with ``position``,
  ``waiting`` and ``estimate_minutes``), ``taken`` (a caseworker answered: the kiosk says *en
  saksbehandler kommer*), ``cancelled``, ``ended`` or ``expired`` (nobody answered in time);
- ``POST /api/calls/<nonce>/cancel``: the kiosk withdraws a request, or ends a taken call;
- ``GET /caseworker``: every waiting call across the torg, with site, topic, language,
  interpreter and waiting time; its *Svar* (``POST /caseworker/calls/<nonce>/answer``) marks
  the call taken and opens the caseworker's link to the meeting.

No person's data is on the page: a call is a torg, a topic and a language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template_string

from torg_central.call_states import CallStates
from torg_central.context import central
from torg_central.errors import ApiError
from torg_central.storage import utc_text

blueprint = Blueprint("calls", __name__)

#: A request nobody answered within this long is expired: the kiosk offers the booking QR.
EXPIRY_SECONDS = 10 * 60
#: The estimate: this many minutes per call ahead in the queue.
MINUTES_PER_CALL = 5
_EXTENSION = "torg_central.calls"
TOPIC_NAMES = {
    "building": "Byggesak og eiendom",
    "health": "Helse og omsorg",
    "school": "Barnehage og skole",
    "tax": "Skatt og avgifter",
    "money-housing": "Økonomi og bolig",
    "nav": "NAV",
    "other": "Noe annet",
}
LANGUAGE_NAMES = {
    "nb": "norsk", "nn": "nynorsk", "en": "engelsk", "uk": "ukrainsk", "pl": "polsk",
    "so": "somali", "ar": "arabisk",
}  # fmt: skip


@dataclass(frozen=True)
class QueuedCall:
    nonce: str
    received_at: datetime
    body: dict
    state: str

    def waited(self, now: datetime) -> str:
        minutes = int((now - self.received_at).total_seconds() // 60)
        return "under 1 min" if minutes < 1 else f"{minutes} min"


@blueprint.record_once
def _attach(state) -> None:
    app = state.app
    config = app.extensions["torg_central"].config
    app.extensions[_EXTENSION] = CallStates(config.db_path)
    app.config.setdefault("CALL_EXPIRY_SECONDS", EXPIRY_SECONDS)


def _states() -> CallStates:
    return current_app.extensions[_EXTENSION]


def _calls(now: datetime) -> list[QueuedCall]:
    """Every call request, oldest first, with its state now."""
    states = _states().all()
    expiry = timedelta(seconds=current_app.config["CALL_EXPIRY_SECONDS"])
    calls = []
    for upload in central().store.uploads("calls"):
        received = datetime.fromisoformat(upload.received_at.replace("Z", "+00:00"))
        state = states.get(upload.nonce)
        if state is None:
            state = "expired" if now - received > expiry else "waiting"
        calls.append(QueuedCall(upload.nonce, received, upload.body, state))
    return calls


def _find(nonce: str, now: datetime) -> tuple[QueuedCall, list[QueuedCall]]:
    calls = _calls(now)
    for call in calls:
        if call.nonce == nonce:
            return call, [c for c in calls if c.state == "waiting"]
    raise ApiError(404, "unknown_call", f"No call request with the nonce {nonce!r} is stored.")


@blueprint.get("/api/calls/<nonce>")
def standing(nonce: str):
    call, waiting = _find(nonce, central().config.now())
    answer = {"nonce": nonce, "state": call.state}
    if call.state == "waiting":
        position = 1 + [c.nonce for c in waiting].index(nonce)
        answer |= {
            "position": position,
            "waiting": len(waiting),
            "estimate_minutes": position * MINUTES_PER_CALL,
        }
    return jsonify(answer)


@blueprint.post("/api/calls/<nonce>/cancel")
def cancel(nonce: str):
    now = central().config.now()
    _find(nonce, now)
    return jsonify(nonce=nonce, state=_states().withdraw(nonce, now))


CASEWORKER_PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>Innbyggertorg: samtaler som venter</title>
<style>
body { font: 18px/1.4 system-ui, sans-serif; margin: 2em; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .5em 1em; border-bottom: 1px solid #ccc; }
button { font: inherit; padding: .4em 1.4em; background: #0b5394; color: #fff; border: 0;
         border-radius: .3em; cursor: pointer; }
.none { color: #555; }
</style></head><body>
<h1>Samtaler som venter</h1>
<p class="note">{{ note }}</p>
{% if calls %}
<table id="waiting">
<thead><tr><th>Torg</th><th>Tema</th><th>Språk</th><th>Tolk</th><th>Venter</th><th></th></tr></thead>
<tbody>
{% for call in calls %}
<tr data-nonce="{{ call.nonce }}">
<td>{{ call.body.get('site', '?') }}</td>
<td>{{ topics.get(call.body.get('topic'), call.body.get('topic') or '–') }}</td>
<td>{{ languages.get(call.body.get('language'), call.body.get('language') or '?') }}</td>
<td>{{ 'ja' if call.body.get('interpreter') else 'nei' }}</td>
<td>{{ call.waited(now) }}</td>
<td><form method="post" action="{{ url_for('calls.answer', nonce=call.nonce) }}" target="_blank">
<button type="submit" name="svar">Svar</button></form></td>
</tr>
{% endfor %}
</tbody></table>
{% else %}
<p class="none" id="no-calls">Ingen venter akkurat nå.</p>
{% endif %}
</body></html>
"""

TAKEN_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>Allerede besvart</title></head><body>
<p id="taken">Denne samtalen er allerede besvart eller avsluttet.</p>
<p><a href="{{ url_for('calls.caseworker') }}">Tilbake til listen</a></p></body></html>
"""


@blueprint.get("/caseworker")
def caseworker():
    now = central().config.now()
    waiting = [call for call in _calls(now) if call.state == "waiting"]
    return render_template_string(
        CASEWORKER_PAGE,
        calls=waiting,
        now=now,
        topics=TOPIC_NAMES,
        languages=LANGUAGE_NAMES,
        note=f"Oppdatert {utc_text(now)}. Forespørsler som ingen svarer på innen "
        f"{current_app.config['CALL_EXPIRY_SECONDS'] // 60} min, faller bort.",
    )


@blueprint.post("/caseworker/calls/<nonce>/answer")
def answer(nonce: str):
    now = central().config.now()
    call, _ = _find(nonce, now)
    host_url = call.body.get("host_url")
    if call.state != "waiting" or not _states().take(nonce, now):
        return render_template_string(TAKEN_PAGE), 409
    if not isinstance(host_url, str) or urlsplit(host_url).scheme not in ("https", "http"):
        raise ApiError(400, "bad_host_url", "The call request has no web link for the caseworker.")
    return redirect(host_url, code=303)
