"""The three check-in sounds, told apart without looking: up for in, level for look, down for no.

Made by :func:`write_sounds` (the shipped WAVs under assets/sounds are its output) and played
with the idle warning's player (``idle.tone_player``, or Kivy's audio).
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

from torg_kiosk.base.resources import asset
from torg_kiosk.ui.idle_ui import play_tone

RATE = 22050
AMPLITUDE = 0.4
#: (frequency Hz, seconds) per note.
NOTES = {
    "green": ((880.0, 0.09), (1320.0, 0.16)),  # a bright rising pair: in
    "amber": ((660.0, 0.14), (0.0, 0.06), (660.0, 0.14)),  # two level beeps: look
    "red": ((330.0, 0.22), (220.0, 0.34)),  # a low falling pair: no
}


def sound_path(tone: str) -> Path:
    return asset("sounds", f"checkin-{tone}.wav")


def frames(notes) -> bytes:
    out = bytearray()
    for frequency, seconds in notes:
        count = int(RATE * seconds)
        fade = int(RATE * 0.01)
        for index in range(count):
            envelope = min(1.0, index / fade, (count - index) / fade) if frequency else 0.0
            value = AMPLITUDE * envelope * math.sin(2 * math.pi * frequency * index / RATE)
            out += struct.pack("<h", round(value * 32767))
    return bytes(out)


def write_sounds() -> None:
    for tone, notes in NOTES.items():
        path = sound_path(tone)
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(frames(notes))


_loaded: dict[str, object] = {}


def play(tone: str, player: str = "") -> bool:
    """Start ``tone``'s sound and return at once; False when there is no audio (logged once)."""
    if player:
        return play_tone(sound_path(tone), player)
    if tone not in _loaded:  # loaded once: a busy door scans every few seconds
        from kivy.core.audio import SoundLoader

        try:
            sound = SoundLoader.load(str(sound_path(tone)))
        except Exception:  # no audio stack: the colour and the words still say it
            sound = None
        _loaded[tone] = sound if sound is not None and sound.length else None
    sound = _loaded[tone]
    if sound is None:
        return False
    sound.stop()
    sound.play()
    return True


if __name__ == "__main__":
    write_sounds()
