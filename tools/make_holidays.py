"""Write torg_kiosk/assets/holidays/no.json: Norway's public holidays from the `holidays`
library for the years the kiosk reads without importing it (it costs the first frame ~130 ms).

    python tools/make_holidays.py

tests/test_opening_hours.py checks the file against the library, so a new release of the
library that moves a date shows up as a failing test, and running this script fixes it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from torg_kiosk.domain.opening_hours import (  # noqa: E402
    BUNDLED_YEARS,
    HOLIDAY_TABLE,
    holidays_from_library,
)


def table() -> dict:
    """The file's content: each bundled year's holidays, English names as the library has them."""
    return {
        "source": "python-holidays, Norway(include_sundays=False, language='en_US')",
        "years": {str(year): holidays_from_library(year) for year in BUNDLED_YEARS},
    }


def main() -> None:
    HOLIDAY_TABLE.write_text(
        json.dumps(table(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    years = f"{BUNDLED_YEARS[0]}–{BUNDLED_YEARS[-1]}"
    print(f"wrote {HOLIDAY_TABLE.relative_to(REPO_ROOT)}: years {years}")


if __name__ == "__main__":
    main()
