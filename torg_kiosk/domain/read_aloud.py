"""What "Les opp" says on each screen, built from the view models, not from the widgets.

A :class:`Script` is a short summary first (*Heggedal innbyggertorg. Åpent til 16. Nå:
Innbyggerservice på skjerm, til 15.*), then the items in reading order, each a
:class:`Part` that knows which row it reads (so the screen can highlight it). No button
words, no markup. Every :class:`Phrase` carries its own language: a bokmål title inside an
Arabic reading is a bokmål phrase, and :func:`ssml` gives it the bokmål voice.

:func:`first_reading` keeps what fits in :data:`HOME_SECONDS` (at the speaker's rate);
the rest is read on a second tap (:func:`more_reading`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from torg_kiosk.domain import hours_view, opening_hours, present
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.speech import VOICES

#: Home's first reading is planned to this (estimated, see seconds_to_read), so what is
#: heard stays under 20 s (a visitor at the door waits no longer).
HOME_SECONDS = 18.0
#: What the screen shows while it reads, and when the sound does not work.
READING_NOTICE = N_("Leser opp …")
SOUND_FAILED_NOTICE = N_("Lyd virker ikke på denne skjermen — si fra i skranken")
#: The read-aloud button while more of the screen is left to read.
READ_MORE = N_("Les mer")
#: A pause between two items, in SSML.
ITEM_BREAK = '<break time="400ms"/>'


@dataclass(frozen=True)
class Phrase:
    text: str
    language: str


@dataclass(frozen=True)
class Part:
    """One thing read as a whole: the summary, or one item (``key``: the row it reads)."""

    phrases: tuple[Phrase, ...]
    key: str = ""

    @property
    def text(self) -> str:
        return " ".join(phrase.text for phrase in self.phrases)


@dataclass(frozen=True)
class Script:
    """A screen's reading: ``parts[0]`` is the summary, the rest the items in order."""

    parts: tuple[Part, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """The reading as plain text, one part a line (golden files, logs)."""
        return "\n".join(part.text for part in self.parts)


def spoken_time(moment) -> str:
    """A time as a voice should say it: ``16`` on the hour (every espeak-ng voice reads
    ``16:00`` as "sixteen zero zero"), else ``16:30`` ("sixteen thirty")."""
    return str(moment.hour) if moment.minute == 0 else present.clock_text(moment)


def _say(language: str, msgid: str, **values) -> Phrase:
    return Phrase(tr(msgid, language, **values), language)


def _sentence(*phrases: Phrase) -> Part:
    return Part(tuple(phrase for phrase in phrases if phrase.text))


#: How fast espeak-ng reads at the kiosk's rate (DEFAULT_RATE), measured on the readings of
#: the eight torg by benchmarks/bench_read_aloud.py: 12.7–20 characters a second (English
#: and Norwegian slowest), 1–1.2 s for each sentence element (one more per change of
#: voice), and the pause between parts. The slow ends, so the estimate is not short.
CHARACTERS_PER_SECOND = 12.5
SECONDS_PER_SENTENCE = 1.2
SECONDS_BETWEEN_PARTS = 0.4


def seconds_to_read(part: Part) -> float:
    """About how long espeak-ng takes for ``part``, and the pause after it."""
    voices = [voice_language(phrase.language) for phrase in part.phrases]
    sentences = 1 + sum(1 for before, after in itertools.pairwise(voices) if before != after)
    characters = sum(len(phrase.text) for phrase in part.phrases)
    return (
        characters / CHARACTERS_PER_SECOND
        + sentences * SECONDS_PER_SENTENCE
        + SECONDS_BETWEEN_PARTS
    )


def first_reading(script: Script, budget: float = HOME_SECONDS) -> Script:
    """The summary and the items that fit in ``budget`` seconds (at least one item)."""
    kept, used = [], 0.0
    for index, part in enumerate(script.parts):
        used += seconds_to_read(part)
        if index >= 2 and used > budget:
            break
        kept.append(part)
    return Script(tuple(kept))


def more_reading(script: Script, budget: float = HOME_SECONDS) -> Script:
    """What :func:`first_reading` left out, for a second tap; empty when nothing was."""
    first = first_reading(script, budget)
    return Script(script.parts[len(first.parts) :])


# --- the screens ----------------------------------------------------------------------


def _open_sentence(site, now: datetime, language: str, closures=()) -> Phrase:
    """Whether the torg is open, by the one rule every screen states (holidays, the closed
    eves and the feed's closures included: torg_kiosk.domain.opening_hours)."""
    state = opening_hours.state_at(site, now, closures)
    if isinstance(state, opening_hours.Open):
        until = state.until.astimezone(now.tzinfo).time() if now.tzinfo else state.until.time()
        return _say(language, N_("Åpent til {time}."), time=spoken_time(until))
    return _say(language, N_("Stengt nå."))


def home_script(site, running, upcoming, now: datetime, language: str, closures=()) -> Script:
    """The torg, whether it is open, then *now & next*: what is on, until when, where."""
    opened = _open_sentence(site, now, language, closures)
    parts = [_sentence(Phrase(f"{site.name}.", "nb"), opened)]
    for occurrence in running:
        title, shown_in = occurrence.shown("title", language)
        parts.append(
            Part(
                (
                    _say(language, N_("Nå:")),
                    Phrase(f"{title},", shown_in),
                    _say(language, N_("til {time}."), time=spoken_time(occurrence.end)),
                ),
                occurrence.key,
            )
        )
    for occurrence in upcoming:
        title, shown_in = occurrence.shown("title", language)
        parts.append(
            Part(
                (
                    _say(language, N_("Klokka {time}:"), time=spoken_time(occurrence.start)),
                    Phrase(f"{title}.", shown_in),
                ),
                occurrence.key,
            )
        )
    return Script(tuple(parts))


def _item(occurrence, language: str) -> Part:
    title, shown_in = occurrence.shown("title", language)
    start, end = spoken_time(occurrence.start), spoken_time(occurrence.end)
    phrases = [_say(language, N_("Fra {start} til {end}:"), start=start, end=end)]
    if occurrence.cancelled:
        phrases.append(_say(language, N_("Avlyst:")))
    phrases.append(Phrase(f"{title}.", shown_in))
    if occurrence.room:
        # Rooms are named by the feed in Norwegian.
        phrases.append(Phrase(f"{occurrence.room}.", "nb"))
    return Part(tuple(phrases), occurrence.key)


def today_script(occurrences, now: datetime, language: str) -> Script:
    """How many activities there are today, then each: time, cancelled or not, title, room."""
    summary = _sentence(
        _say(
            language,
            N_("I dag, {day}. Aktiviteter: {count}."),
            day=present.day_text(now.date(), language),
            count=len(occurrences),
        )
    )
    return Script((summary, *(_item(occurrence, language) for occurrence in occurrences)))


def activity_script(occurrence, language: str) -> Script:
    """One activity: title, day and time, room, registration, then its description."""
    title, title_in = occurrence.shown("title", language)
    description, description_in = occurrence.shown("description", language)
    start, end = spoken_time(occurrence.start), spoken_time(occurrence.end)
    summary = [Phrase(f"{title}.", title_in)]
    if occurrence.cancelled:
        summary.insert(0, _say(language, N_("Avlyst:")))
    summary += [
        Phrase(present.day_text(occurrence.start.date(), language) + ",", language),
        _say(language, N_("fra {start} til {end}."), start=start, end=end),
    ]
    parts = [_sentence(*summary)]
    if occurrence.room:
        parts.append(_sentence(Phrase(f"{occurrence.room}.", "nb")))
    parts.append(_sentence(Phrase(present.registration_text(occurrence, language), language)))
    if description:
        parts.append(_sentence(Phrase(description, description_in)))
    return Script(tuple(parts))


def contact_script(site, now: datetime, language: str, closures=()) -> Script:
    """When the staff are in (through the one opening-hours rule, as the screen says it),
    and the number to call."""
    desk = site.innbyggerservice
    staffed = hours_view.staffed_line(site, now, closures, language).text
    return Script(
        (
            _sentence(_say(language, N_("Snakk med kommunen."))),
            _sentence(Phrase(staffed, language)),
            _sentence(_say(language, N_("Ring oss: {phone}."), phone=desk.phone)),
        )
    )


# --- for espeak-ng ----------------------------------------------------------------------


def voice_language(language: str) -> str:
    """The espeak-ng voice a phrase in ``language`` is read with (nynorsk: the bokmål one)."""
    return VOICES.get(language) or language


#: A whole hour in a screen's words (*til 14:00*), said as the hour alone.
_WHOLE_HOUR = re.compile(r"\b([01]?\d|2[0-3]):00\b")


def _speakable(text: str) -> str:
    """``text`` as espeak-ng should get it: ``14:00`` becomes ``14`` (every voice reads
    ``14:00`` as "fourteen zero zero")."""
    return _WHOLE_HOUR.sub(lambda match: str(int(match.group(1))), text)


def ssml(script: Script, language: str) -> str:
    """The reading as SSML for ``espeak-ng -m``: every phrase in its own language's voice.

    Phrases next to each other in one voice share one ``<s>``: espeak-ng pauses at the end
    of each sentence element, and a part (*Klokka 11:* *Babysang.*) is one sentence."""
    body = []
    for part in script.parts:
        runs: list[tuple[str, list[str]]] = []
        for phrase in part.phrases:
            voice = voice_language(phrase.language)
            if runs and runs[-1][0] == voice:
                runs[-1][1].append(phrase.text)
            else:
                runs.append((voice, [phrase.text]))
        sentences = "".join(
            f"<s xml:lang={quoteattr(voice)}>{escape(_speakable(' '.join(texts)))}</s>"
            for voice, texts in runs
        )
        body.append(f"<p>{sentences}</p>")
    lang = quoteattr(voice_language(language))
    return f'<speak version="1.0" xml:lang={lang}>{ITEM_BREAK.join(body)}</speak>'
