"""Reading text aloud with espeak-ng, for visitors who cannot read the screen.

GUI-free on purpose: the UI calls :meth:`Speaker.speak` from a button's ``on_release`` and
gets control back at once, because espeak-ng runs in its own process. A language without an
installed voice is refused with :attr:`SpeakOutcome.NO_VOICE` so the UI can say so (see
:func:`no_voice_message`) instead of reading Somali text with a Norwegian voice.

Wiring in the UI::

    speaker = Speaker()                      # plays on the default audio device
    outcome = speaker.speak(text, language)  # a second tap restarts from the beginning
    if outcome is SpeakOutcome.NO_VOICE:
        show(no_voice_message(screen_language))
    visitor.register("volume", speaker.reset)   # kiosk.idle.VisitorState
"""

from __future__ import annotations

import enum
import functools
import os
import signal
import subprocess
from pathlib import Path
from typing import Literal

from torg_kiosk.base.safe_text import safe_text
from torg_kiosk.domain.i18n import LANGUAGES, N_, tr

ESPEAK = "espeak-ng"

#: The espeak-ng voice for each screen language; ``None``: espeak-ng has no voice for it.
#: The languages own their voices (kiosk.i18n.LANGUAGES): nynorsk is read with the bokmål
#: voice, and Somali has none (``espeak-ng --voices=so`` lists nothing in espeak-ng 1.51).
VOICES: dict[str, str | None] = {language.code: language.espeak_voice for language in LANGUAGES}

#: espeak-ng's amplitude (``-a``) runs from 0 to 200; 100 is its own default.
MIN_VOLUME = 0
MAX_VOLUME = 200
DEFAULT_VOLUME = 100
#: Words per minute. espeak-ng's default of 175 is brisk for older listeners and for people
#: hearing a second language; 150 is still natural.
DEFAULT_RATE = 150
#: How long :meth:`Speaker.stop` waits for espeak-ng to end after SIGTERM before SIGKILL.
STOP_GRACE_SECONDS = 0.5
#: The most characters read in one go. The text is one argv string, and Linux refuses one
#: longer than 128 KiB (E2BIG): this many is 125 KiB at most, at four UTF-8 bytes each. A
#: screen holds far less.
MAX_SPOKEN_CHARACTERS = 32_000

#: What the UI shows when a language has no voice (a msgid of the screen's catalogs).
NO_VOICE_MESSAGE = N_("Opplesing finnes ikke på dette språket.")

Output = Path | Literal["device", "discard"]


class SpeakOutcome(enum.Enum):
    """What :meth:`Speaker.speak` did."""

    STARTED = "started"
    #: No espeak-ng voice for the language (or espeak-ng is missing): nothing was started.
    NO_VOICE = "no_voice"
    #: The text was empty or only whitespace: nothing to read.
    NOTHING_TO_READ = "nothing_to_read"


def no_voice_message(screen_language: str) -> str:
    """The sentence telling the visitor reading aloud is not available, in their language.

    Somali has words but no voice: the visitor reads that there is no voice in Somali.
    """
    return tr(NO_VOICE_MESSAGE, screen_language)


@functools.cache
def installed_voices(executable: str = ESPEAK) -> frozenset[str]:
    """Voice names espeak-ng accepts with ``-v`` on this machine, from ``--voices``.

    Empty when espeak-ng is not installed, so a kiosk without it just cannot read aloud.
    Cached: the list only changes when packages are installed, and the kiosk restarts then.
    """
    try:
        listing = subprocess.run(
            [executable, "--voices"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names: set[str] = set()
    # Columns: Pty Language Age/Gender VoiceName File Other-languages; header first.
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 5:
            names.add(fields[1])
            names.add(fields[4])
    return frozenset(names)


def voice_for(language: str, executable: str = ESPEAK) -> str | None:
    """The installed espeak-ng voice for a screen language, or None."""
    voice = VOICES.get(language)
    if voice is None or voice not in installed_voices(executable):
        return None
    return voice


def can_speak(language: str, executable: str = ESPEAK) -> bool:
    """Whether text in ``language`` can be read aloud with the right voice on this machine."""
    return voice_for(language, executable) is not None


def spoken(text: str) -> str:
    """``text`` as espeak-ng gets it: safe for an argv (no NUL, no lone surrogate), capped.

    Feed text is made safe when it is parsed; this holds for any text, so a screen that puts
    something else together can never stop the kiosk by reading it aloud.
    """
    return safe_text(text, multiline=True, max_length=MAX_SPOKEN_CHARACTERS)


def phonemes(text: str, language: str, executable: str = ESPEAK) -> str:
    """espeak-ng's phoneme mnemonics for ``text`` (``-q -x``), without making any sound.

    For diagnostics and tests: it shows which pronunciation rules a voice applies.
    Raises ValueError for a language without a voice.
    """
    voice = voice_for(language, executable)
    if voice is None:
        raise ValueError(f"There is no espeak-ng voice for {language!r} on this machine.")
    result = subprocess.run(
        [executable, "-q", "-x", "-v", voice, "--", spoken(text)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


class Speaker:
    """Reads one text at a time; a new :meth:`speak` stops the one before.

    ``output`` is ``"device"`` (the default audio device, for the kiosk), ``"discard"``
    (espeak-ng writes the audio to its stdout, which goes to /dev/null: for machines without
    a sound card) or a :class:`~pathlib.Path` for a WAV file.
    """

    def __init__(
        self,
        output: Output = "device",
        executable: str = ESPEAK,
        environment: dict[str, str] | None = None,
    ) -> None:
        """``environment``: extra variables for espeak-ng (``ALSA_CONFIG_PATH`` to name
        another sound device)."""
        if not isinstance(output, Path) and output not in ("device", "discard"):
            raise ValueError(f"output must be 'device', 'discard' or a Path, not {output!r}")
        self._output = output
        self._executable = executable
        self._environment = environment
        self._process: subprocess.Popen[bytes] | None = None
        self._volume = DEFAULT_VOLUME
        self._failure: str | None = None

    @property
    def volume(self) -> int:
        """espeak-ng amplitude, 0..200; takes effect from the next :meth:`speak`."""
        return self._volume

    @volume.setter
    def volume(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"volume must be a whole number, not {value!r}")
        if not MIN_VOLUME <= value <= MAX_VOLUME:
            raise ValueError(f"volume must be between {MIN_VOLUME} and {MAX_VOLUME}, not {value}")
        self._volume = value

    @property
    def is_speaking(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The process id of the espeak-ng currently or last started, for diagnostics."""
        return self._process.pid if self._process is not None else None

    def speak(self, text: str, language: str) -> SpeakOutcome:
        """Stop any current speech and start reading ``text``; returns at once."""
        return self._start(text, language, ssml=False)

    def speak_ssml(self, document: str, language: str) -> SpeakOutcome:
        """Like :meth:`speak`, for an SSML document (``espeak-ng -m``): each ``xml:lang``
        inside it is read with that language's voice; ``language`` is the main voice."""
        return self._start(document, language, ssml=True)

    def failure(self) -> str | None:
        """Why the last speech was not heard, once it has ended; None while it runs or when
        it went well. espeak-ng exits 0 when the sound device is missing and only says so
        on stderr, so that is read too."""
        process = self._process
        if process is None or process.poll() is None:
            return self._failure
        if self._failure is None:
            errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            problem = [line for line in errors.splitlines() if "error" in line.lower()]
            if process.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
                problem.insert(0, f"espeak-ng exited with {process.returncode}")
            self._failure = "; ".join(problem[:3]) if problem else ""
        return self._failure or None

    def _start(self, text: str, language: str, *, ssml: bool) -> SpeakOutcome:
        self.stop()
        self._failure = None
        voice = voice_for(language, self._executable)
        if voice is None:
            return SpeakOutcome.NO_VOICE
        text = spoken(text)
        if not text:
            return SpeakOutcome.NOTHING_TO_READ
        command = [self._executable, "-v", voice, "-a", str(self._volume), "-s", str(DEFAULT_RATE)]
        if ssml:
            command.append("-m")
        if isinstance(self._output, Path):
            command += ["-w", str(self._output)]
        elif self._output == "discard":
            command.append("--stdout")
        # "--" so a text starting with "-" is read, not taken as an option.
        command += ["--", text]
        environment = {**os.environ, **self._environment} if self._environment else None
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # Kept: a missing sound device shows only here (see failure()).
            stderr=subprocess.PIPE,
            env=environment,
            # Its own process group, so stop() also ends any audio helper it spawned.
            start_new_session=True,
        )
        return SpeakOutcome.STARTED

    def stop(self) -> None:
        """Interrupt the current speech, if any. Safe to call at any time."""
        process, self._process = self._process, None
        if process is not None and process.stderr is not None and process.poll() is not None:
            process.stderr.close()
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=STOP_GRACE_SECONDS)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current speech ends; True if it did. Not for the UI thread."""
        if self._process is None:
            return True
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def reset(self) -> None:
        """Forget the visitor: stop reading and return to the default volume."""
        self.stop()
        self._volume = DEFAULT_VOLUME
