"""The fleet page, opened in real headless Chromium (selenium, Debian's chromium-driver):
every kiosk, a quiet one flagged, a resting one not, and the picture of Home shown.

Three kiosks beat to the reference server through the kiosk's own Heartbeat (real HTTP);
the server's clock is pinned and moved on 20 minutes, during which only one kiosk beats
again.
"""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from tests.conftest import DEMO_FEED
from torg_central.server import serve
from torg_kiosk.base.health_board import RESTING, HealthBoard, ScreenPicture
from torg_kiosk.store.database import open_db
from torg_kiosk.store.snapshots import SourceMeta, record_unchanged
from torg_kiosk.sync.heartbeat import Heartbeat

pytestmark = pytest.mark.slow

START = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


class PinnedClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        """Moves with the wall clock: the kiosks' clocks did not jump, time passed."""
        return (self.now - START).total_seconds()


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    yield driver
    driver.quit()


def kiosk(central, clock, tmp_path, name: str, site: str, board: HealthBoard) -> Heartbeat:
    data = tmp_path / name
    db = open_db(data / "kiosk.db")
    record_unchanged(db, SourceMeta("central", "feed", "x"), now=clock.now)
    db.conn.close()
    return Heartbeat(central_url=central.url, site=site, data_dir=data, board=board, kiosk=name,
                     wall=clock, monotonic=clock.monotonic)  # fmt: skip


def home_picture() -> bytes:
    image = Image.new("RGB", (480, 270), "white")
    image.paste(Image.new("RGB", (480, 60), (0, 51, 102)), (0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_the_fleet_page_flags_a_quiet_kiosk_and_shows_a_home_picture(tmp_path, browser):
    clock = PinnedClock(START)
    with serve(DEMO_FEED, db_path=tmp_path / "central.db", now=clock) as central:
        tofte = kiosk(central, clock, tmp_path, "tofte-1", "tofte", HealthBoard())
        holmen = kiosk(central, clock, tmp_path, "holmen-1", "holmen", HealthBoard())
        resting_board = HealthBoard()
        resting_board.post(screen=RESTING, resting_until="2026-12-04T07:00:00Z")
        borgen = kiosk(central, clock, tmp_path, "borgen-1", "borgen", resting_board)
        tofte.board.post(picture=ScreenPicture(home_picture(), "2026-12-03T18:00:00Z"))
        for heartbeat in (tofte, holmen, borgen):
            assert heartbeat.beat()

        clock.now = START + timedelta(minutes=20)  # holmen-1 and borgen-1 stop sending
        assert tofte.beat()

        browser.get(f"{central.url}/fleet")
        rows = {row.get_attribute("data-kiosk"): row
                for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")}  # fmt: skip
        assert set(rows) == {"tofte-1", "holmen-1", "borgen-1"}

        quiet = rows["holmen-1"]
        assert "alert" in quiet.get_attribute("class")
        assert "quiet" in quiet.find_element(By.CLASS_NAME, "marks").text.split()
        assert "20 min ago" in quiet.find_element(By.CLASS_NAME, "heard").text
        # Quiet is drawn as an alarm, not only written.
        mark = quiet.find_element(By.CSS_SELECTOR, ".mark.quiet")
        assert mark.value_of_css_property("background-color") == "rgba(176, 0, 32, 1)"

        resting = rows["borgen-1"]
        assert resting.find_element(By.CLASS_NAME, "marks").text == "resting, quiet"
        assert "alert" not in resting.get_attribute("class")

        fine = rows["tofte-1"]
        assert "alert" not in fine.get_attribute("class")
        assert fine.find_element(By.CLASS_NAME, "marks").text == "ok"
        assert "just now" in fine.find_element(By.CLASS_NAME, "heard").text
        picture = fine.find_element(By.TAG_NAME, "img")
        assert browser.execute_script("return arguments[0].complete", picture)
        assert browser.execute_script("return arguments[0].naturalWidth", picture) == 480
        assert rows["holmen-1"].find_element(By.CLASS_NAME, "picture").text == "no picture yet"

        # The alert rows come first: the one that needs someone is at the top.
        first = browser.find_element(By.CSS_SELECTOR, "tbody tr").get_attribute("data-kiosk")
        assert first == "holmen-1"
        browser.save_screenshot(str(tmp_path / "fleet.png"))
