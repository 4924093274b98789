"""The meeting providers: each URL taken apart and checked parameter by parameter.

Whereby's API cannot be reached from here, so it is faked at the edge: a real HTTP server on
127.0.0.1 that takes ``POST /v1/meetings`` and answers with the shape Whereby documents
(``meetingId``, ``roomUrl``, ``hostRoomUrl``, ``startDate``, ``endDate``; docs
``create-meeting``). Everything on the kiosk's side of that socket is the real code.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from torg_kiosk.base.resources import bundled_config_dir
from torg_kiosk.base.toml_config import ConfigError, Section
from torg_kiosk.calls.config import load_calls_config
from torg_kiosk.calls.meeting import MeetingRequest, ProviderError
from torg_kiosk.calls.providers import ProviderContext, make_provider, provider_names
from torg_kiosk.calls.providers.jitsi import JitsiProvider
from torg_kiosk.calls.providers.url_template import UrlTemplateProvider

REQUEST = MeetingRequest(
    site_id="heggedal",
    display_name="Heggedal innbyggertorg",
    language="uk",
    ends_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
)


def jitsi_hash(url: str) -> dict[str, object]:
    """Jitsi's reading of a URL hash: ``key=<percent-encoded JSON>`` pairs."""
    fragment = urlsplit(url).fragment
    return {
        key: json.loads(unquote(value))
        for key, value in (pair.split("=", 1) for pair in fragment.split("&"))
    }


def test_every_provider_module_is_found_by_its_name():
    assert provider_names() == ("jitsi", "url-template", "whereby")


def test_jitsi_visitor_url_opens_the_room_on_the_configured_server_with_its_hash_config():
    meeting = JitsiProvider("https://meet.asker.example/").create_meeting(REQUEST)
    parts = urlsplit(meeting.visitor_url)
    assert (parts.scheme, parts.netloc, parts.query) == ("https", "meet.asker.example", "")
    assert re.fullmatch(r"/torg-heggedal-[0-9a-f]{32}", parts.path)
    assert jitsi_hash(meeting.visitor_url) == {
        "config.prejoinConfig.enabled": False,
        "config.defaultLanguage": "uk",
        "config.toolbarButtons": ["microphone", "camera", "hangup"],
        "config.lobby.autoKnock": True,
        "config.disableDeepLinking": True,
        "userInfo.displayName": "Heggedal innbyggertorg",
    }
    assert meeting.origin == "https://meet.asker.example"


def test_jitsi_host_and_mobile_links_are_the_same_room_without_the_kiosks_name():
    meeting = JitsiProvider("https://meet.asker.example").create_meeting(REQUEST)
    room = urlsplit(meeting.visitor_url).path
    assert meeting.host_url == f"https://meet.asker.example{room}"
    assert urlsplit(meeting.mobile_url).path == room
    assert jitsi_hash(meeting.mobile_url) == {"config.defaultLanguage": "uk"}


def test_jitsi_rooms_are_never_the_same_twice():
    provider = JitsiProvider("https://meet.asker.example")
    rooms = {urlsplit(provider.create_meeting(REQUEST).host_url).path for _ in range(200)}
    assert len(rooms) == 200


def test_jitsi_gets_english_for_a_language_it_has_no_interface_in():
    somali = MeetingRequest("tofte", "Tofte innbyggertorg", "so", REQUEST.ends_at)
    meeting = JitsiProvider("https://meet.asker.example").create_meeting(somali)
    assert jitsi_hash(meeting.visitor_url)["config.defaultLanguage"] == "en"


def test_jitsi_display_name_with_quotes_and_ampersands_survives_the_hash():
    odd = MeetingRequest("tofte", 'Tofte & "Sætre" torg', "nb", REQUEST.ends_at)
    meeting = JitsiProvider("https://meet.asker.example").create_meeting(odd)
    assert jitsi_hash(meeting.visitor_url)["userInfo.displayName"] == 'Tofte & "Sætre" torg'


def test_url_template_fills_each_placeholder_percent_encoded():
    provider = UrlTemplateProvider(
        "https://video.example/{room}?name={display_name}&lang={language}&torg={site}",
        "https://video.example/{room}?host=1",
    )
    meeting = provider.create_meeting(REQUEST)
    visitor, host = urlsplit(meeting.visitor_url), urlsplit(meeting.host_url)
    assert re.fullmatch(r"/[0-9a-f]{32}", visitor.path)
    assert host.path == visitor.path
    assert dict(parse_qsl(visitor.query)) == {
        "name": "Heggedal innbyggertorg",
        "lang": "uk",
        "torg": "heggedal",
    }
    assert dict(parse_qsl(host.query)) == {"host": "1"}
    assert meeting.mobile_url == meeting.visitor_url


def test_url_template_with_a_placeholder_in_the_host_is_refused(tmp_path):
    section = Section(
        {"visitor": "https://{site}.video.example/{room}", "host": "https://video.example/"},
        "calls.toml",
        "providers.url-template",
    )
    with pytest.raises(ConfigError, match="fixed host"):
        make_provider("url-template", section, ProviderContext(tmp_path))


def test_an_unknown_provider_names_the_known_ones(tmp_path):
    with pytest.raises(ConfigError, match="'jitsi', 'url-template', 'whereby'"):
        make_provider(
            "zoom", Section({}, "calls.toml", "providers.zoom"), ProviderContext(tmp_path)
        )


def test_the_bundled_calls_toml_loads_with_jitsi_and_all_seven_topics():
    config = load_calls_config(bundled_config_dir(), environ={})
    assert config.provider.name == "jitsi"
    assert len(config.topics) == 7
    assert config.hours_for("heggedal") != config.hours_for("tofte")


# --- Whereby, its API faked at the edge ---------------------------------------------------


class FakeWherebyApi:
    """POST /v1/meetings as Whereby documents it: bearer key in, 201 with the meeting out."""

    def __init__(self, *, status: int = 201, room_host: str = "asker.whereby.com"):
        self.requests: list[dict] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                api.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                body = json.dumps(
                    {
                        "meetingId": "1234567",
                        "roomUrl": f"https://{room_host}/torg0a1b2c3d-e4f5",
                        "hostRoomUrl": f"https://{room_host}/torg0a1b2c3d-e4f5?roomKey=c2VjcmV0",
                        "startDate": "2026-12-03T09:15:00.000Z",
                        "endDate": api.requests[-1]["body"]["endDate"],
                    }
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def whereby_api():
    api = FakeWherebyApi()
    yield api
    api.close()


def whereby(api_url: str, tmp_path: Path, environ: dict, **extra):
    table = {"api_url": api_url, "room_origin": "https://asker.whereby.com", **extra}
    return make_provider(
        "whereby",
        Section(table, "calls.toml", "providers.whereby"),
        ProviderContext(tmp_path, environ=environ),
    )


def test_whereby_creates_the_meeting_with_an_end_date_and_the_host_link_asked_for(
    whereby_api, tmp_path
):
    provider = whereby(whereby_api.url, tmp_path, {"TORG_KIOSK_WHEREBY_API_KEY": "key-1"})
    provider.create_meeting(REQUEST)
    [sent] = whereby_api.requests
    assert sent["path"] == "/v1/meetings"
    assert sent["authorization"] == "Bearer key-1"
    assert sent["content_type"] == "application/json"
    assert sent["body"] == {
        "endDate": "2026-12-03T10:00:00Z",
        "fields": ["hostRoomUrl"],
        "roomNamePrefix": "torg",
        "roomMode": "normal",
        "isLocked": True,
    }


def test_whereby_visitor_url_carries_each_url_parameter(whereby_api, tmp_path):
    provider = whereby(whereby_api.url, tmp_path, {"TORG_KIOSK_WHEREBY_API_KEY": "k"})
    polish = MeetingRequest("heggedal", "Heggedal innbyggertorg", "pl", REQUEST.ends_at)
    meeting = provider.create_meeting(polish)
    parts = urlsplit(meeting.visitor_url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "asker.whereby.com",
        "/torg0a1b2c3d-e4f5",
    )
    assert parse_qsl(parts.query, keep_blank_values=True) == [
        ("displayName", "Heggedal innbyggertorg"),
        ("lang", "pl"),
        ("minimal", ""),
        ("skipMediaPermissionPrompt", ""),
        ("precallReview", "off"),
        ("leaveButton", "on"),
    ]
    assert meeting.host_url == "https://asker.whereby.com/torg0a1b2c3d-e4f5?roomKey=c2VjcmV0"
    assert meeting.mobile_url == "https://asker.whereby.com/torg0a1b2c3d-e4f5?lang=pl"


def test_whereby_reads_the_key_from_its_file_when_the_variable_is_unset(whereby_api, tmp_path):
    (tmp_path / "whereby-api-key").write_text("from-the-file\n")
    provider = whereby(whereby_api.url, tmp_path, {}, api_key_file="whereby-api-key")
    provider.create_meeting(REQUEST)
    assert whereby_api.requests[0]["authorization"] == "Bearer from-the-file"


def test_whereby_without_a_key_says_where_to_put_one_and_sends_nothing(whereby_api, tmp_path):
    provider = whereby(whereby_api.url, tmp_path, {}, api_key_file="missing-key")
    with pytest.raises(ProviderError, match="TORG_KIOSK_WHEREBY_API_KEY") as raised:
        provider.create_meeting(REQUEST)
    assert raised.value.code == "no_api_key"
    assert whereby_api.requests == []


def test_whereby_refusing_is_a_provider_error_not_a_crash(tmp_path):
    api = FakeWherebyApi(status=401)
    try:
        provider = whereby(api.url, tmp_path, {"TORG_KIOSK_WHEREBY_API_KEY": "wrong"})
        with pytest.raises(ProviderError) as raised:
            provider.create_meeting(REQUEST)
        assert raised.value.code == "unreachable"
    finally:
        api.close()


def test_whereby_room_on_another_origin_than_the_policy_grants_is_refused(tmp_path):
    api = FakeWherebyApi(room_host="someone-else.whereby.com")
    try:
        provider = whereby(api.url, tmp_path, {"TORG_KIOSK_WHEREBY_API_KEY": "k"})
        with pytest.raises(ProviderError, match="room_origin") as raised:
            provider.create_meeting(REQUEST)
        assert raised.value.code == "wrong_origin"
    finally:
        api.close()
