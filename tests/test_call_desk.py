"""The call request against the reference central server on 127.0.0.1.

A request is sent at once and retried with the same nonce inside a short deadline, so it is
stored exactly once even when an answer is lost; cancel withdraws it; the caseworker's
*Svar* reaches the kiosk as ``taken`` (the screen's *en saksbehandler kommer*). The lost
answer is made by a real TCP relay between the two that forwards the first request and then
hangs up on the kiosk instead of passing the answer back.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.relay import Relay
from torg_central.server import serve
from torg_kiosk.calls.desk import CallChoice, CallDesk, DeskError, call_request

NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def central(tmp_path, clock):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"version": 1, "activities": []}))
    server = serve(feed, db_path=tmp_path / "central.db", now=clock)
    yield server
    server.shutdown()


def a_request(**choice) -> dict:
    return call_request(
        site_id="heggedal",
        choice=CallChoice(**({"topic": "nav", "language": "uk", "interpreter": True} | choice)),
        host_url="https://meet.asker.example/torg-heggedal-0123",
        provider="jitsi",
        now=NOW,
        kiosk="heggedal-1",
    )


def stored_calls(central) -> list[dict]:
    return requests.get(f"{central.url}/api/uploads?kind=calls", timeout=5).json()


def test_the_request_carries_every_field_and_no_personal_data(central):
    body = a_request()
    CallDesk(central.url).request(body)
    [stored] = stored_calls(central)
    assert stored["body"] == body
    assert set(body) == {
        "nonce", "kiosk", "site", "requested_at", "topic", "language", "interpreter",
        "host_url", "provider",
    }  # fmt: skip
    assert body["requested_at"] == "2026-12-03T09:15:00Z"
    assert (body["site"], body["topic"], body["language"], body["interpreter"]) == (
        "heggedal", "nav", "uk", True,
    )  # fmt: skip


def test_a_request_whose_first_answer_is_lost_arrives_exactly_once(central):
    relay = Relay(central.url, lose_answers=1)
    try:
        body = a_request()
        CallDesk(relay.url).request(body)
    finally:
        relay.close()
    assert relay.forwarded == 2  # the first attempt reached the server, and so did the retry
    assert [call["nonce"] for call in stored_calls(central)] == [body["nonce"]]


def test_a_new_request_waits_first_in_the_queue_with_an_estimate(central):
    desk = CallDesk(central.url)
    first, second = a_request(), a_request(topic="tax")
    desk.request(first)
    desk.request(second)
    standing = desk.standing(second["nonce"])
    assert (standing.state, standing.position, standing.waiting) == ("waiting", 2, 2)
    assert standing.estimate_minutes == 10


def test_cancel_withdraws_the_request_from_the_queue_and_the_caseworker_page(central):
    desk = CallDesk(central.url)
    body = a_request()
    desk.request(body)
    assert body["nonce"] in requests.get(f"{central.url}/caseworker", timeout=5).text
    desk.cancel(body["nonce"])
    assert desk.standing(body["nonce"]).state == "cancelled"
    assert body["nonce"] not in requests.get(f"{central.url}/caseworker", timeout=5).text


def test_svar_reaches_the_kiosk_as_taken_and_sends_the_caseworker_to_the_host_link(central):
    desk = CallDesk(central.url)
    body = a_request()
    desk.request(body)
    answer = requests.post(
        f"{central.url}/caseworker/calls/{body['nonce']}/answer", allow_redirects=False, timeout=5
    )
    assert (answer.status_code, answer.headers["Location"]) == (303, body["host_url"])
    assert desk.standing(body["nonce"]).state == "taken"


def test_a_second_svar_on_the_same_call_is_refused(central):
    desk = CallDesk(central.url)
    body = a_request()
    desk.request(body)
    url = f"{central.url}/caseworker/calls/{body['nonce']}/answer"
    requests.post(url, allow_redirects=False, timeout=5)
    again = requests.post(url, allow_redirects=False, timeout=5)
    assert again.status_code == 409
    assert "allerede besvart" in again.text


def test_ending_a_taken_call_marks_it_ended(central):
    desk = CallDesk(central.url)
    body = a_request()
    desk.request(body)
    requests.post(f"{central.url}/caseworker/calls/{body['nonce']}/answer", timeout=5,
                  allow_redirects=False)  # fmt: skip
    desk.cancel(body["nonce"])
    assert desk.standing(body["nonce"]).state == "ended"


def test_a_request_nobody_answers_expires(central, clock):
    desk = CallDesk(central.url)
    body = a_request()
    desk.request(body)
    clock.now = NOW + timedelta(minutes=11)
    assert desk.standing(body["nonce"]).state == "expired"
    assert body["nonce"] not in requests.get(f"{central.url}/caseworker", timeout=5).text


def test_no_central_side_is_a_desk_error_within_the_deadline():
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    with pytest.raises(DeskError) as raised:
        CallDesk(f"http://127.0.0.1:{port}").request(a_request())
    assert raised.value.code in ("connection", "deadline")
