"""Write the embedded demo feed, ``torg_kiosk/assets/demo/feed.json``, the same way every time.

The demo feed is what a kiosk shows before it has ever reached the central feed, and what the
screenshots and UI tests run against. It describes a plausible autumn season at all eight
innbyggertorg: weekly series that start in early September 2026 and never end, so the feed
never goes stale, with a few cancelled occurrences and Christmas/Easter exceptions.

Run from anywhere::

    python tools/make_demo_feed.py                 # rewrites torg_kiosk/assets/demo/feed.json
    python tools/make_demo_feed.py --output x.json

The output depends on nothing but this file: no clock, no randomness, no network. The ticket key
is derived from a fixed seed; it is a *demo* key, published here on purpose, and must never sign
real tickets.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from dateutil.rrule import rrulestr

OSLO = ZoneInfo("Europe/Oslo")
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "torg_kiosk" / "assets" / "demo" / "feed.json"

GENERATED_AT = "2026-09-01T06:00:00+02:00"
UPDATED_AT = "2026-08-28T14:00:00+02:00"
#: Series start in the week beginning on this Monday.
SEASON_WEEK = date(2026, 9, 7)
#: Occurrences that fall on these days are removed with ``exdates`` (the torg are closed).
HOLIDAYS = (
    date(2026, 12, 24),  # julaften
    date(2026, 12, 25),  # 1. juledag
    date(2026, 12, 26),  # 2. juledag
    date(2026, 12, 31),  # nyttårsaften
    date(2027, 1, 1),  # 1. nyttårsdag
    date(2027, 3, 25),  # skjærtorsdag
    date(2027, 3, 26),  # langfredag
    date(2027, 3, 29),  # 2. påskedag
)
DEMO_KEY_SEED = b"torg-kiosk demo key"
DEMO_KEY_ID = "demo-2026"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

SITES = {
    "tofte": "Tofte innbyggertorg",
    "saetre": "Sætre innbyggertorg",
    "spikkestad": "Spikkestad innbyggertorg",
    "holmen": "Holmen innbyggertorg",
    "slemmestad": "Slemmestad innbyggertorg",
    "heggedal": "Heggedal innbyggertorg",
    "borgen": "Borgen innbyggertorg",
    "asker-sentrum": "Asker sentrum innbyggertorg",
}

KOMMUNE = "https://www.asker.kommune.no"
URL_LIBRARY = f"{KOMMUNE}/kultur-idrett-og-fritid/bibliotek/arrangementer-pa-biblioteket/"
URL_KULTURSKOLE = f"{KOMMUNE}/kultur-idrett-og-fritid/kulturskolen/"
URL_FRIVILLIG = f"{KOMMUNE}/kultur-idrett-og-fritid/frivillighet/frivilligsentraler/"
URL_SENIOR = f"{KOMMUNE}/helse-og-omsorg/seniorsentre/"
URL_HELSESTASJON = f"{KOMMUNE}/helse-og-omsorg/barn-og-unge/helsestasjon/"
URL_DIGITAL = f"{KOMMUNE}/innbyggerservice/digital-hjelp/"
URL_REDCROSS = "https://www.rodekors.no/"
URL_SANITET = "https://www.sanitetskvinnene.no/"
URL_SENIORNETT = "https://www.seniornett.no/"


def site_url(site: str) -> str:
    return f"{KOMMUNE}/innbyggertorg/{site}-innbyggertorg/"


@dataclass(frozen=True)
class Kind:
    """What a kind of activity is, wherever it runs: category and texts per language."""

    category: str
    title: dict[str, str]
    description: dict[str, str]
    url: str | None = None  # None: the torg's own page


SPRAKKAFE_TITLE = {
    "nb": "Språkkafé – norsktrening",
    "en": "Language café – practise Norwegian",
    "uk": "Мовне кафе – практика норвезької",
    "pl": "Kawiarenka językowa – ćwiczenie norweskiego",
    "so": "Kafeega luqadda – ku celceli af-Noorwiijiga",
    "ar": "مقهى اللغة – ممارسة اللغة النرويجية",
}
SPRAKKAFE_DESCRIPTION = {
    "nb": "Øv på norsk i en uformell samtale med frivillige over en kopp kaffe. "
    "Alle nivåer er velkomne. Gratis, ingen påmelding.",
    "en": "Practise Norwegian in an informal conversation with volunteers over a cup of coffee. "
    "All levels welcome. Free, no registration.",
    "uk": "Практикуйте норвезьку мову в невимушеній розмові з волонтерами за чашкою кави. "
    "Запрошуємо всіх, незалежно від рівня. Безкоштовно, без реєстрації.",
    "pl": "Ćwicz norweski w swobodnej rozmowie z wolontariuszami przy filiżance kawy. "
    "Zapraszamy na każdym poziomie. Bezpłatnie, bez zapisów.",
    "so": "Ku celceli af-Noorwiijiga adoo la hadlaya mutadawiciin. "
    "Heer kasta waa la soo dhaweynayaa. Waa bilaash, is-diiwaangelin looma baahna.",
    "ar": "تدرّب على اللغة النرويجية في محادثة غير رسمية مع متطوعين على فنجان قهوة. "
    "الجميع مرحَّب بهم مهما كان مستواهم. مجاناً، ولا حاجة إلى التسجيل.",
}

KINDS: dict[str, Kind] = {
    "innbyggerservice-skjerm": Kind(
        "service",
        {"nb": "Innbyggerservice på skjerm", "en": "Citizen service by video"},
        {
            "nb": "Snakk med en medarbeider i Innbyggerservice via PC. Verten på torget hjelper "
            "deg i gang.",
            "en": "Talk to a citizen service adviser by video on a PC. The host at the torg "
            "helps you get started.",
        },
    ),
    "seniortrim": Kind(
        "exercise",
        {"nb": "Seniortrim", "en": "Exercise for seniors"},
        {
            "nb": "Lett styrke- og balansetrening med musikk. Tilpasset alle, også deg som "
            "trener sittende. Ta med vannflaske.",
            "en": "Gentle strength and balance training to music. Suitable for everyone, "
            "seated exercises included. Bring a water bottle.",
        },
        URL_SENIOR,
    ),
    "datahjelp": Kind(
        "digital-help",
        {"nb": "Datahjelp", "en": "Computer and phone help"},
        {
            "nb": "Frivillige hjelper deg med PC, nettbrett og mobil: e-post, apper, bilder og "
            "oppdateringer. Ta med din egen enhet og lader.",
            "en": "Volunteers help you with your computer, tablet and phone: email, apps, "
            "photos and updates. Bring your own device and charger.",
        },
        URL_SENIORNETT,
    ),
    "digital-id": Kind(
        "digital-help",
        {
            "nb": "Digital hjelp: ID-porten og BankID",
            "en": "Digital help: ID-porten and BankID",
        },
        {
            "nb": "Få hjelp til å logge inn med BankID eller MinID, bruke Helsenorge og digital "
            "postkasse. Ta med mobil og legitimasjon.",
            "en": "Get help logging in with BankID or MinID, using Helsenorge and your digital "
            "mailbox. Bring your phone and ID.",
        },
        URL_DIGITAL,
    ),
    "trygg-pa-nett": Kind(
        "digital-help",
        {"nb": "Kurs: Trygg på nett", "en": "Course: Staying safe online"},
        {
            "nb": "Lær å kjenne igjen svindel på SMS, e-post og telefon. Begrenset antall "
            "plasser – meld deg på.",
            "en": "Learn to recognise fraud by text message, email and phone. Limited places – "
            "please register.",
        },
        URL_DIGITAL,
    ),
    "tur": Kind(
        "walk",
        {"nb": "Turer i nærmiljøet", "en": "Local walks"},
        {
            "nb": "Rolig tur på en til halvannen time i nærområdet, i all slags vær. Oppmøte "
            "utenfor inngangen. Kle deg etter været.",
            "en": "An easy walk of one to one and a half hours nearby, in all weathers. Meet "
            "outside the entrance. Dress for the weather.",
        },
        URL_FRIVILLIG,
    ),
    "kyststi": Kind(
        "walk",
        {"nb": "Tur langs kyststien", "en": "Walk along the coastal path"},
        {
            "nb": "Vi går langs fjorden på kyststien i rolig tempo og tar en kaffepause "
            "underveis. Gode sko anbefales.",
            "en": "We walk along the fjord on the coastal path at an easy pace, with a coffee "
            "break on the way. Good shoes recommended.",
        },
        URL_FRIVILLIG,
    ),
    "teaterskole": Kind(
        "culture",
        {"nb": "Teaterskole for barn (9–12 år)", "en": "Theatre school for children (9–12)"},
        {
            "nb": "Lek, improvisasjon og små forestillinger. Påmelding for hele semesteret.",
            "en": "Play, improvisation and small performances. Registration for the whole term.",
        },
        URL_KULTURSKOLE,
    ),
    "musikklek": Kind(
        "children",
        {"nb": "Musikklek for barn (1–3 år)", "en": "Music play for children (1–3 years)"},
        {
            "nb": "Sang, rytme og bevegelse for de minste sammen med en voksen.",
            "en": "Songs, rhythm and movement for the little ones together with an adult.",
        },
        URL_KULTURSKOLE,
    ),
    "sprakkafe": Kind("language", SPRAKKAFE_TITLE, SPRAKKAFE_DESCRIPTION, URL_FRIVILLIG),
    "bollywood": Kind(
        "exercise",
        {"nb": "Bollywood-fitness", "en": "Bollywood fitness"},
        {
            "nb": "Dansetrening til musikk fra indiske filmer. Ingen forkunnskaper – bare lyst "
            "til å bevege deg.",
            "en": "A dance workout to music from Indian films. No experience needed – just the "
            "wish to move.",
        },
    ),
    "strikkekafe": Kind(
        "social",
        {"nb": "Strikkekafé", "en": "Knitting café"},
        {
            "nb": "Ta med strikketøyet eller heklenålen og bli med på prat og kaffe. "
            "Nybegynnere får hjelp.",
            "en": "Bring your knitting or crochet and join us for a chat and coffee. "
            "Beginners get help.",
        },
    ),
    "leksehjelp": Kind(
        "learning",
        {"nb": "Leksehjelp", "en": "Homework help"},
        {
            "nb": "Frivillige hjelper elever på barne- og ungdomsskolen med lekser. Gratis, "
            "ingen påmelding.",
            "en": "Volunteers help primary and lower secondary pupils with homework. Free, "
            "no registration.",
        },
        URL_REDCROSS,
    ),
    "babysang": Kind(
        "children",
        {"nb": "Babysang", "en": "Baby song"},
        {
            "nb": "Sang, rim og regler for babyer fra 0 til 12 måneder sammen med mamma eller "
            "pappa.",
            "en": "Songs and nursery rhymes for babies aged 0 to 12 months with mum or dad.",
        },
        URL_KULTURSKOLE,
    ),
    "sjakk": Kind(
        "social",
        {"nb": "Sjakk-klubb", "en": "Chess club"},
        {
            "nb": "Åpen sjakk for alle aldre og nivåer. Brett og klokker står klare.",
            "en": "Open chess for all ages and levels. Boards and clocks provided.",
        },
    ),
    "bridge": Kind(
        "social",
        {"nb": "Bridge", "en": "Bridge"},
        {
            "nb": "Turneringsbridge i hyggelig selskap. Kom alene eller med makker – vi finner "
            "en makker til deg.",
            "en": "Duplicate bridge in good company. Come alone or with a partner – we will "
            "find you one.",
        },
    ),
    "formiddagstreff": Kind(
        "social",
        {"nb": "Formiddagstreff", "en": "Morning get-together"},
        {
            "nb": "Kaffe, vafler og en god prat. Av og til kåseri eller allsang.",
            "en": "Coffee, waffles and a good chat. Sometimes a talk or a sing-along.",
        },
        URL_SENIOR,
    ),
    "helsestasjon": Kind(
        "health",
        {"nb": "Helsestasjon – drop-in", "en": "Child health clinic – drop-in"},
        {
            "nb": "Helsesykepleier svarer på spørsmål om amming, søvn, mat og utvikling for "
            "barn 0–5 år. Ingen timebestilling.",
            "en": "A public health nurse answers questions about breastfeeding, sleep, food "
            "and development for children aged 0–5. No appointment needed.",
        },
        URL_HELSESTASJON,
    ),
    "blodtrykk": Kind(
        "health",
        {"nb": "Blodtrykksmåling og helseprat", "en": "Blood pressure check and health chat"},
        {
            "nb": "Frivillige fra Sanitetsforeningen måler blodtrykket ditt og tar en prat om "
            "helse i hverdagen.",
            "en": "Volunteers from Sanitetsforeningen measure your blood pressure and talk "
            "about everyday health.",
        },
        URL_SANITET,
    ),
    "bokcafe": Kind(
        "culture",
        {"nb": "Bokcafé", "en": "Book café"},
        {
            "nb": "Bibliotekarene tipser om nye bøker, og vi snakker om det vi har lest. "
            "Kaffe og noe å bite i.",
            "en": "The librarians recommend new books and we talk about what we have read. "
            "Coffee and something to nibble.",
        },
        URL_LIBRARY,
    ),
    "lesestund": Kind(
        "children",
        {"nb": "Lesestund for barn", "en": "Story time for children"},
        {
            "nb": "Vi leser bildebøker høyt for barn fra 3 til 6 år. Foreldre og barnehager er "
            "velkomne.",
            "en": "We read picture books aloud for children aged 3 to 6. Parents and "
            "kindergartens welcome.",
        },
        URL_LIBRARY,
    ),
    "apen-kafe": Kind(
        "social",
        {"nb": "Åpen kafé", "en": "Open café"},
        {
            "nb": "Kaféen drives av en sosial entreprenør som gir arbeidstrening. Kaffe, suppe "
            "og hjemmebakst – alle er velkomne, også uten å kjøpe noe.",
            "en": "The café is run by a social entrepreneur who offers work training. Coffee, "
            "soup and home baking – everyone is welcome, even without buying anything.",
        },
    ),
    "familielordag": Kind(
        "children",
        {"nb": "Familielørdag", "en": "Family Saturday"},
        {
            "nb": "Lek, spill og tegning for hele familien. Kaffe til de voksne.",
            "en": "Play, games and drawing for the whole family. Coffee for the grown-ups.",
        },
    ),
    "slektsforskning": Kind(
        "learning",
        {"nb": "Slektsforskning", "en": "Family history research"},
        {
            "nb": "Erfarne slektsforskere hjelper deg i gang med å finne slekten din i "
            "digitale arkiver.",
            "en": "Experienced genealogists help you start tracing your family in digital "
            "archives.",
        },
        URL_LIBRARY,
    ),
    "sondagskafe": Kind(
        "social",
        {"nb": "Søndagskafé", "en": "Sunday café"},
        {
            "nb": "Vafler, kaffe og brettspill. Frivillige fra nærmiljøet holder åpent "
            "annenhver søndag.",
            "en": "Waffles, coffee and board games. Local volunteers open the café every other "
            "Sunday.",
        },
        URL_FRIVILLIG,
    ),
    "ungdomskveld": Kind(
        "social",
        {"nb": "Ungdomskveld", "en": "Youth evening"},
        {
            "nb": "Spill, musikk og mat for ungdom fra 13 til 18 år. Voksne frivillige er til "
            "stede.",
            "en": "Games, music and food for young people aged 13 to 18. Adult volunteers are "
            "present.",
        },
    ),
}


@dataclass(frozen=True)
class Series:
    """One weekly series at one torg: a :class:`Kind` placed in a room, a weekday and a time."""

    kind: str
    byday: str  # "TU" or "MO,WE,FR"
    start: str  # local "HH:MM"
    end: str
    room: str
    organizer: str
    interval: int = 1
    cancelled: tuple[date, ...] = ()
    status: str = "scheduled"
    registration: dict | None = None
    description: dict[str, str] | None = None  # overrides the kind's
    url: str | None = None  # overrides the kind's
    extra_title: dict[str, str] = field(default_factory=dict)


FRIVILLIG = "Frivilligsentralen"
BIBLIOTEK = "Asker bibliotek"
SERVICE = "Innbyggerservice, Asker kommune"
WEEKDAYS_MO_FR = "MO,TU,WE,TH,FR"

# When innbyggerservice's staff are at the desk is not programme: it is the site file's
# [innbyggerservice] staffed_hours, which every screen states through one rule
# (domain.opening_hours), so the feed carries no "Innbyggerservice 10–15" series to contradict
# it (it did: Home said "til 15:00" while Contact said "til 18:00" at the same minute).
PROGRAMME: dict[str, list[Series]] = {
    # Tofte: the torg is on the ground floor of the library building.
    "tofte": [
        Series("seniortrim", "MO,TH", "11:00", "12:00", "Salen, 1. etasje", "Sanitetsforeningen"),
        Series("datahjelp", "TU", "11:00", "13:00", "Biblioteket, PC-hjørnet", "Seniornett"),
        Series("lesestund", "WE", "10:00", "10:45", "Barneavdelingen, biblioteket", BIBLIOTEK),
        Series("bokcafe", "FR", "12:00", "13:30", "Bibliotekkafeen", BIBLIOTEK, interval=2),
        Series("leksehjelp", "MO,WE", "17:00", "19:00", "Lesesalen, biblioteket", "Røde Kors"),
        Series("sjakk", "TU", "18:00", "21:00", "Møterom Hurum", "Sjakklubben"),
        Series("strikkekafe", "TH", "18:00", "20:30", "Bibliotekkafeen", FRIVILLIG),
        Series("ungdomskveld", "FR", "18:00", "21:00", "Salen, 1. etasje", "Fritidsklubben"),
        Series("familielordag", "SA", "10:00", "13:00", "Barneavdelingen, biblioteket", BIBLIOTEK),
    ],
    "saetre": [
        Series("seniortrim", "MO,TH", "10:00", "11:00", "Aktivitetssalen", FRIVILLIG),
        Series("formiddagstreff", "TU", "11:00", "13:00", "Kafeen", FRIVILLIG),
        Series("babysang", "WE", "11:00", "12:00", "Aktivitetssalen", "Asker kulturskole"),
        Series("datahjelp", "FR", "11:00", "13:00", "Møterom 1", "Seniornett"),
        Series("strikkekafe", "MO", "18:00", "20:30", "Kafeen", FRIVILLIG),
        Series("digital-id", "TU", "17:00", "19:00", "Møterom 1", SERVICE),
        Series("bridge", "WE", "18:00", "21:30", "Møterom 2", "Bridgeklubben"),
        Series("sprakkafe", "TH", "18:00", "20:00", "Kafeen", "Røde Kors", url=URL_REDCROSS),
        Series("ungdomskveld", "FR", "18:00", "21:00", "Aktivitetssalen", "Fritidsklubben"),
        Series("tur", "SA", "10:00", "11:30", "Oppmøte ved inngangen", FRIVILLIG),
    ],
    "spikkestad": [
        Series("babysang", "MO", "11:00", "12:00", "Storsalen", "Asker kulturskole"),
        Series("strikkekafe", "TU", "12:00", "14:00", "Kafékroken", FRIVILLIG),
        Series("seniortrim", "WE,FR", "10:00", "11:00", "Storsalen", FRIVILLIG),
        Series("datahjelp", "TH", "12:00", "14:00", "Møterommet", "Seniornett"),
        Series("leksehjelp", "MO,TH", "17:00", "19:00", "Møterommet", "Røde Kors"),
        Series(
            "bridge",
            "TU",
            "18:00",
            "22:00",
            "Storsalen",
            "Bridgeklubben",
            status="cancelled",
            description={
                "nb": "Bridgeklubben tar pause denne sesongen mens lokalene pusses opp. "
                "Følg med her for ny oppstart.",
                "en": "The bridge club is taking a break this season while the rooms are "
                "refurbished. Watch this space for the restart.",
            },
        ),
        Series("sprakkafe", "WE", "18:00", "20:00", "Kafékroken", FRIVILLIG),
        Series("sjakk", "FR", "18:00", "21:00", "Møterommet", "Sjakklubben"),
        Series("tur", "SA", "10:00", "11:30", "Oppmøte ved inngangen", FRIVILLIG),
    ],
    "holmen": [
        Series("seniortrim", "MO,WE,FR", "10:00", "11:00", "Aktivitetsrommet", FRIVILLIG),
        Series("blodtrykk", "TU", "11:00", "13:00", "Møterom Vollen", "Sanitetsforeningen"),
        Series(
            "lesestund",
            "TH",
            "10:00",
            "10:45",
            "Biblioteket",
            BIBLIOTEK,
            cancelled=(date(2026, 12, 3),),
        ),
        Series(
            "slektsforskning", "FR", "12:00", "14:00", "Møterom Vollen", "Frivillige slektsforskere"
        ),
        Series("sjakk", "MO", "18:00", "21:00", "Møterom Vollen", "Sjakklubben"),
        Series("leksehjelp", "TU,TH", "17:00", "19:00", "Biblioteket", "Røde Kors"),
        Series("strikkekafe", "WE", "18:00", "20:30", "Kafeen", FRIVILLIG),
        Series("sprakkafe", "FR", "18:00", "20:00", "Kafeen", "Røde Kors", url=URL_REDCROSS),
        Series("familielordag", "SA", "10:00", "13:00", "Aktivitetsrommet", FRIVILLIG),
    ],
    # Slemmestad: by the fjord, so the walks follow the coastal path.
    "slemmestad": [
        Series("datahjelp", "MO", "12:00", "14:00", "Møterom Fjorden", "Seniornett"),
        Series("seniortrim", "TU,FR", "10:00", "11:00", "Salen", FRIVILLIG),
        Series("kyststi", "WE", "10:00", "12:00", "Oppmøte ved inngangen", FRIVILLIG),
        Series("babysang", "TH", "11:00", "12:00", "Salen", "Asker kulturskole"),
        Series("leksehjelp", "MO,WE", "17:00", "19:00", "Møterom Fjorden", "Røde Kors"),
        Series(
            "sprakkafe",
            "TU",
            "18:00",
            "20:00",
            "Kafeen",
            "Røde Kors",
            url=URL_REDCROSS,
            cancelled=(date(2026, 12, 8),),
        ),
        Series("strikkekafe", "TH", "18:00", "20:30", "Kafeen", "Sanitetsforeningen"),
        Series("sjakk", "FR", "18:00", "21:00", "Møterom Fjorden", "Sjakklubben", interval=2),
        Series("kyststi", "SA", "10:00", "13:00", "Oppmøte ved båthavna", FRIVILLIG),
        Series("sondagskafe", "SU", "12:00", "15:00", "Kafeen", FRIVILLIG, interval=2),
    ],
    # Heggedal: senior centre, library, café, health station and the nærmiljøsentral;
    # innbyggerservice is reached by video on a PC.
    "heggedal": [
        Series(
            "innbyggerservice-skjerm",
            WEEKDAYS_MO_FR,
            "09:00",
            "15:00",
            "Servicehjørnet ved biblioteket",
            SERVICE,
        ),
        Series(
            "seniortrim", "MO,WE,FR", "10:00", "11:00", "Seniorsenteret, salen", "Seniorsenteret"
        ),
        Series(
            "formiddagstreff",
            "TU,TH",
            "10:30",
            "12:30",
            "Seniorsenteret, kafeen",
            "Seniorsenteret",
            cancelled=(date(2026, 12, 3),),
        ),
        Series("digital-id", "TU", "12:30", "14:30", "Biblioteket, PC-hjørnet", "Seniornett"),
        Series(
            "helsestasjon", "WE", "12:00", "15:00", "Helsestasjonen, 2. etasje", "Helsestasjonen"
        ),
        Series("babysang", "TH", "11:00", "12:00", "Biblioteket", BIBLIOTEK),
        Series("bokcafe", "FR", "12:00", "13:30", "Kafeen", BIBLIOTEK, interval=2),
        Series(
            "bridge",
            "MO",
            "18:00",
            "22:00",
            "Seniorsenteret, salen",
            "Bridgeklubben",
            registration={"required": True, "capacity": 32, "url": URL_SENIOR + "pamelding/"},
        ),
        Series("leksehjelp", "TU,TH", "17:00", "19:00", "Biblioteket", "Heggedal nærmiljøsentral"),
        Series("sprakkafe", "WE", "18:00", "20:00", "Kafeen", "Heggedal nærmiljøsentral"),
        Series("strikkekafe", "TH", "18:00", "20:30", "Kafeen", FRIVILLIG),
        Series("lesestund", "SA", "11:00", "11:45", "Biblioteket", BIBLIOTEK),
    ],
    # Borgen: the café is run by a social entrepreneur; its regular activities are named in
    # the kommune's own description of the torg.
    "borgen": [
        Series("apen-kafe", "MO,TU,WE,TH,FR,SA", "09:00", "16:00", "Kaféen", "Kaféen på Borgen"),
        Series("tur", "MO", "11:00", "12:30", "Oppmøte utenfor kaféen", FRIVILLIG),
        Series(
            "seniortrim",
            "TU,TH",
            "10:00",
            "11:00",
            "Aktivitetssalen",
            FRIVILLIG,
            cancelled=(date(2026, 12, 3),),
        ),
        Series("datahjelp", "WE", "12:00", "14:00", "Kaféen, langbordet", "Seniornett"),
        Series(
            "teaterskole",
            "WE",
            "17:00",
            "18:30",
            "Aktivitetssalen",
            "Asker kulturskole",
            registration={
                "required": True,
                "capacity": 15,
                "url": URL_KULTURSKOLE + "pamelding/",
            },
        ),
        Series(
            "musikklek",
            "FR",
            "10:00",
            "10:45",
            "Aktivitetssalen",
            "Asker kulturskole",
            registration={
                "required": True,
                "capacity": 12,
                "url": URL_KULTURSKOLE + "pamelding/",
            },
        ),
        Series("sprakkafe", "TU", "18:00", "20:00", "Kaféen", FRIVILLIG),
        Series("bollywood", "TH", "18:00", "19:00", "Aktivitetssalen", FRIVILLIG),
        Series("strikkekafe", "MO", "18:00", "20:30", "Kaféen", "Kaféen på Borgen"),
        Series("lesestund", "SA", "11:00", "11:45", "Kaféen, lesekroken", BIBLIOTEK),
    ],
    # Asker sentrum: the busiest torg.
    "asker-sentrum": [
        Series("digital-id", "MO,WE", "10:00", "12:00", "Digitalt verksted", SERVICE),
        Series(
            "babysang",
            "TU",
            "11:00",
            "12:00",
            "Salen",
            "Asker kulturskole",
            registration={"required": True, "capacity": 20, "url": URL_KULTURSKOLE + "pamelding/"},
        ),
        Series("leksehjelp", "MO,TU,WE,TH", "16:00", "18:00", "Lesesalen", "Røde Kors"),
        Series("strikkekafe", "MO", "18:00", "20:30", "Kafeen", FRIVILLIG),
        Series(
            "sprakkafe",
            "TU,TH",
            "18:00",
            "20:00",
            "Kafeen",
            "Røde Kors",
            url=URL_REDCROSS,
            cancelled=(date(2026, 12, 8),),
        ),
        Series("sjakk", "WE", "17:30", "20:00", "Møterom 3", "Sjakklubben"),
        Series(
            "trygg-pa-nett",
            "TU",
            "18:00",
            "20:00",
            "Digitalt verksted",
            SERVICE,
            interval=2,
            registration={"required": True, "capacity": 16, "url": URL_DIGITAL + "kurs/"},
        ),
        Series("ungdomskveld", "FR,SA", "18:00", "22:00", "Salen", "Fritidsklubben"),
        Series("lesestund", "SA", "12:00", "12:45", "Biblioteket, barneavdelingen", BIBLIOTEK),
        Series("tur", "SA", "10:00", "11:30", "Oppmøte ved hovedinngangen", FRIVILLIG),
        Series("sondagskafe", "SU", "12:00", "15:00", "Kafeen", FRIVILLIG, interval=2),
    ],
}

#: Days closed beyond the public holidays, Christmas Eve and New Year's Eve (which the kiosk
#: knows by itself): a course day for innbyggerservice's staff at Slemmestad.
CLOSURES: list[dict] = [
    {
        "id": "closure-slemmestad-kursdag-2026-12-14",
        "site": "slemmestad",
        "dates": ["2026-12-14"],
        "services": ["innbyggerservice"],
        "text": {
            "nb": "Innbyggerservice i Slemmestad er stengt mandag 14. desember på grunn av "
            "kursdag. Ring 66 90 00 00 eller kom til Asker sentrum.",
            "en": "Citizen services in Slemmestad are closed on Monday 14 December for a "
            "training day. Call 66 90 00 00 or come to Asker sentrum.",
        },
    },
]

ANNOUNCEMENTS: list[dict] = [
    {
        "id": "ann-jul-2026",
        "site": None,
        "text": {
            "nb": "Innbyggertorgene holder stengt 24.–26. desember og 31. desember–1. januar. "
            "God jul og godt nytt år!",
            "en": "The innbyggertorg are closed 24–26 December and 31 December–1 January. "
            "Merry Christmas and a happy New Year!",
            "uk": "Центри для мешканців зачинені 24–26 грудня та 31 грудня–1 січня. "
            "Веселого Різдва та щасливого Нового року!",
            "pl": "Centra dla mieszkańców są zamknięte 24–26 grudnia oraz 31 grudnia–1 stycznia. "
            "Wesołych Świąt i szczęśliwego Nowego Roku!",
        },
        "valid_from": "2026-11-15T00:00:00+01:00",
        "valid_until": "2027-01-02T00:00:00+01:00",
    },
    {
        "id": "ann-innbyggerservice",
        "site": None,
        "text": {
            "nb": "Trenger du hjelp med et skjema, BankID eller et digitalt møte med kommunen? "
            "Spør oss i skranken.",
            "en": "Need help with a form, BankID or a video meeting with the kommune? "
            "Ask us at the desk.",
        },
        "valid_from": "2026-09-01T00:00:00+02:00",
        "valid_until": "2027-06-30T23:59:00+02:00",
    },
    {
        "id": "ann-borgen-suppe",
        "site": "borgen",
        "text": {
            "nb": "Kaféen serverer hjemmelaget suppe hver onsdag i vinter.",
            "en": "The café serves home-made soup every Wednesday this winter.",
        },
        "valid_from": "2026-11-01T00:00:00+01:00",
        "valid_until": "2027-03-31T23:59:00+02:00",
    },
    {
        "id": "ann-slemmestad-brodder",
        "site": "slemmestad",
        "text": {
            "nb": "Kyststien kan være glatt i vinter. Ta på brodder før turene – vi har noen "
            "par til utlån i skranken.",
            "en": "The coastal path can be icy this winter. Wear ice grips on the walks – "
            "we lend out a few pairs at the desk.",
        },
        "valid_from": "2026-11-15T00:00:00+01:00",
        "valid_until": "2027-03-31T23:59:00+02:00",
    },
    {
        "id": "ann-heggedal-meraapent",
        "site": "heggedal",
        "text": {
            "nb": "Biblioteket er meråpent kl. 07–22 alle dager. Du trenger lånekort og PIN-kode.",
            "en": "The library is self-service from 07:00 to 22:00 every day. You need a "
            "library card and PIN.",
        },
        "valid_from": "2026-09-01T00:00:00+02:00",
        "valid_until": "2027-08-31T23:59:00+02:00",
    },
]

#: Exceptions (holidays, cancellations) are checked against occurrences up to this day.
EXPANSION_END = date(2027, 6, 30)


def local_instant(day: date, clock: str) -> str:
    """``2026-09-08`` and ``"10:00"`` → ``2026-09-08T10:00:00+02:00`` (Oslo offset of that day)."""
    wall = datetime.combine(day, time.fromisoformat(clock), tzinfo=OSLO)
    return wall.isoformat(timespec="seconds")


def first_day(byday: str) -> date:
    """The first day of the season week on one of ``byday``'s weekdays."""
    wanted = {WEEKDAYS.index(code) for code in byday.split(",")}
    return next(
        SEASON_WEEK + timedelta(days=n)
        for n in range(7)
        if (SEASON_WEEK + timedelta(days=n)).weekday() in wanted
    )


def rrule_text(series: Series) -> str:
    interval = f";INTERVAL={series.interval}" if series.interval > 1 else ""
    return f"FREQ=WEEKLY{interval};BYDAY={series.byday}"


def occurrence_days(series: Series) -> set[date]:
    """Local days the series happens on, from its start to :data:`EXPANSION_END`."""
    first = datetime.combine(first_day(series.byday), time.fromisoformat(series.start))
    until = datetime.combine(EXPANSION_END, time(23, 59))
    return {
        moment.date()
        for moment in rrulestr(rrule_text(series), dtstart=first).between(first, until, inc=True)
    }


def activity_ids(site: str, programme: list[Series]) -> list[str]:
    """``site-kind``, plus the first weekday where one kind runs twice at a torg."""
    counts: dict[str, int] = {}
    for series in programme:
        counts[series.kind] = counts.get(series.kind, 0) + 1
    return [
        f"{site}-{s.kind}"
        if counts[s.kind] == 1
        else f"{site}-{s.kind}-{s.byday.split(',')[0].lower()}"
        for s in programme
    ]


def activity_record(activity_id: str, site: str, series: Series) -> dict:
    kind = KINDS[series.kind]
    day = first_day(series.byday)
    days = occurrence_days(series)
    missing = [d for d in series.cancelled if d not in days]
    if missing:
        raise ValueError(f"{activity_id}: cancelled days {missing} are not occurrences")
    record: dict = {
        "id": activity_id,
        "site": site,
        "title": {**kind.title, **series.extra_title},
        "description": series.description or kind.description,
        "category": kind.category,
        "start": local_instant(day, series.start),
        "end": local_instant(day, series.end),
        "rrule": rrule_text(series),
    }
    exdates = [local_instant(d, series.start) for d in HOLIDAYS if d in days]
    if exdates:
        record["exdates"] = exdates
    if series.cancelled:
        record["cancelled"] = [local_instant(d, series.start) for d in sorted(series.cancelled)]
    record["room"] = series.room
    record["organizer"] = series.organizer
    record["url"] = series.url or kind.url or site_url(site)
    record["registration"] = series.registration or {"required": False}
    record["status"] = series.status
    record["updated_at"] = UPDATED_AT
    return record


def demo_private_key() -> Ed25519PrivateKey:
    """The demo signing key. Public on purpose: it signs only demo tickets."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DEMO_KEY_SEED).digest())


def demo_ticket_key() -> dict:
    raw = demo_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_key = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    # Marked demo: a kiosk takes it only from the bundled demo feed, never from a real one.
    return {"kid": DEMO_KEY_ID, "algorithm": "Ed25519", "public_key": public_key, "demo": True}


def build_feed() -> dict:
    activities = [
        activity_record(activity_id, site, series)
        for site, programme in PROGRAMME.items()
        for activity_id, series in zip(activity_ids(site, programme), programme, strict=True)
    ]
    return {
        "version": 1,
        "generated_at": GENERATED_AT,
        "sites": [{"id": site, "name": name} for site, name in SITES.items()],
        "activities": sorted(activities, key=lambda a: a["id"]),
        "announcements": sorted(ANNOUNCEMENTS, key=lambda a: a["id"]),
        "closures": CLOSURES,
        "ticket_keys": [demo_ticket_key()],
        "revoked_tickets": ["demo-ticket-revoked-0001"],
    }


def feed_text(feed: dict) -> str:
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(feed_text(build_feed()), encoding="utf-8", newline="\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
