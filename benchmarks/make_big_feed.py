"""Generate a big, schema-valid feed v1 for benchmarks (deterministic: same seed, same bytes).

Usage: python benchmarks/make_big_feed.py OUT.json [--count 100000] [--seed 7]
       python benchmarks/make_big_feed.py OUT.json --one-day heggedal [--count 50000]

A realistic mix over the eight torg: 60 % one-off events spread over ±180 days around
2026-12-03, 40 % weekly series (one or two weekdays, every week or every other week) that
started some time in the past year; Norwegian and English titles and descriptions, about
400-500 bytes of JSON per activity.

``--one-day SITE`` puts every activity on 2026-12-03 at that torg instead (one-off events
between 08:00 and 21:00, one in fifty cancelled): the busiest day a screen can be handed.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
CENTRE = date(2026, 12, 3)
SITES = ("tofte", "saetre", "spikkestad", "holmen", "slemmestad", "heggedal", "borgen",
         "asker-sentrum")  # fmt: skip
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: (category, nb title, en title, nb description, en description)
KINDS = (
    ("exercise", "Seniortrim", "Senior exercise",
     "Lett trening med musikk for deg over 60. Ta med vannflaske og gode sko.",
     "Gentle exercise to music for people over 60. Bring a water bottle and good shoes."),
    ("digital-help", "Datahjelp", "Computer help",
     "Frivillige hjelper deg med mobil, nettbrett, BankID og digital post. Ta med enheten.",
     "Volunteers help you with your phone, tablet, BankID and digital mail. Bring your device."),
    ("language", "Språkkafé", "Language café",
     "Øv på norsk i en hyggelig samtale over en kopp kaffe. Alle nivåer er velkomne.",
     "Practise Norwegian in a friendly chat over a cup of coffee. All levels are welcome."),
    ("culture", "Teaterskole", "Theatre school",
     "Drama og improvisasjon for barn og unge fra 8 til 14 år. Påmelding på nettsiden.",
     "Drama and improvisation for children and young people aged 8 to 14. Sign up online."),
    ("children", "Musikklek", "Music play",
     "Sang, rytme og lek for de minste sammen med en voksen. Gratis og uten påmelding.",
     "Songs, rhythm and play for the little ones with an adult. Free, no sign-up needed."),
    ("walk", "Turgruppe", "Walking group",
     "Vi går en rolig tur i nærområdet og avslutter med kaffe. Kle deg etter været.",
     "We take a gentle walk nearby and finish with coffee. Dress for the weather."),
    ("social", "Strikkekafé", "Knitting café",
     "Ta med strikketøyet og slå av en prat. Kaffe og vafler til en rimelig pris.",
     "Bring your knitting and have a chat. Coffee and waffles at a fair price."),
    ("learning", "Leksehjelp", "Homework help",
     "Frivillige hjelper elever i grunnskolen med lekser i alle fag. Ingen påmelding.",
     "Volunteers help primary and lower secondary pupils with homework. No sign-up."),
    ("health", "Helsestasjon for eldre", "Health drop-in for seniors",
     "Sykepleier måler blodtrykk og svarer på spørsmål om helse og hverdagsliv.",
     "A nurse checks blood pressure and answers questions about health and daily life."),
    ("service", "Innbyggerservice", "Citizen service",
     "Få hjelp med skjemaer, søknader og digitale møter med en saksbehandler i kommunen.",
     "Get help with forms, applications and digital meetings with a municipal caseworker."),
)  # fmt: skip
ROOMS = ("Salen", "Møterom 1", "Møterom 2", "Biblioteket", "Kafeen", "Verkstedet")


def _instant(local: datetime) -> str:
    return local.replace(tzinfo=OSLO).isoformat(timespec="seconds")


def make_activity(n: int, rng: random.Random) -> dict:
    category, nb, en, nb_text, en_text = KINDS[rng.randrange(len(KINDS))]
    site = SITES[n % len(SITES)]
    hour = rng.randrange(8, 21)
    minutes = rng.choice((60, 90, 120))
    item = {
        "id": f"big-{n:06d}",
        "site": site,
        "title": {"nb": f"{nb} {n % 97 + 1}", "en": f"{en} {n % 97 + 1}"},
        "description": {"nb": nb_text, "en": en_text},
        "category": category,
        "room": rng.choice(ROOMS),
        "organizer": "Frivilligsentralen" if rng.random() < 0.5 else "Asker kommune",
        "registration": {"required": False},
        "status": "scheduled",
    }
    if rng.random() < 0.6:
        day = CENTRE + timedelta(days=rng.randint(-180, 180))
    else:
        day = CENTRE - timedelta(days=rng.randint(1, 365))
        weekdays = rng.sample(range(7), rng.choice((1, 2)))
        day += timedelta(days=(min(weekdays) - day.weekday()) % 7)  # on one of its days
        byday = ",".join(WEEKDAYS[d] for d in sorted(weekdays))
        interval = rng.choice((1, 2))
        item["rrule"] = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={byday}"
    start = datetime(day.year, day.month, day.day, hour, rng.choice((0, 15, 30)))
    item["start"] = _instant(start)
    item["end"] = _instant(start + timedelta(minutes=minutes))
    return item


def make_one_day_activity(n: int, rng: random.Random, site: str, day: date) -> dict:
    """One activity at ``site`` on ``day``: a one-off event, now and then cancelled."""
    item = make_activity(n, rng)
    item.pop("rrule", None)
    item["site"] = site
    start = datetime.combine(day, datetime.fromisoformat(item["start"]).time())
    end = start + (datetime.fromisoformat(item["end"]) - datetime.fromisoformat(item["start"]))
    item["start"], item["end"] = _instant(start), _instant(end)
    if rng.random() < 0.02:
        item["status"] = "cancelled"
    return item


def make_feed(
    count: int = 100_000, seed: int = 7, *, one_day_site: str | None = None, day: date = CENTRE
) -> dict:
    rng = random.Random(seed)
    if one_day_site:
        activities = [make_one_day_activity(n, rng, one_day_site, day) for n in range(count)]
    else:
        activities = [make_activity(n, rng) for n in range(count)]
    return {
        "version": 1,
        "generated_at": "2026-12-03T06:00:00+01:00",
        "sites": [{"id": site, "name": site.replace("-", " ").title()} for site in SITES],
        "activities": activities,
        "announcements": [],
    }


def write_feed(
    path: Path, count: int = 100_000, seed: int = 7, *, one_day_site: str | None = None
) -> Path:
    document = make_feed(count, seed, one_day_site=one_day_site)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    path.write_text(data, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one-day", metavar="SITE", help="every activity on 2026-12-03 at SITE")
    args = parser.parse_args(argv)
    write_feed(args.out, args.count, args.seed, one_day_site=args.one_day)
    size = args.out.stat().st_size
    print(f"wrote {args.count} activities, {size / 1e6:.1f} MB ({size / args.count:.0f} B each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
