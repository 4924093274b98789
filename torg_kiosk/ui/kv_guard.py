"""A kv rule's update for a widget that died during the same dispatch is dropped, not raised.

Kivy unbinds a widget's kv rules when the widget is collected. A widget that is garbage in a
reference cycle (every removed widget tree is one: parent ↔ children) is collected whenever
Python's cyclic collector runs, which can be in the middle of an app property's dispatch
(``app.c_text`` for every label when the torg changes, ``app.language``, ``app.reading_key``
while reading aloud). The dispatch has already picked up the dead widget's kv handler and
calls it, and ``kivy.lang.builder.call_fn`` raised ``ReferenceError: weakly-referenced object
no longer exists`` out of the property change: a language switch could end the kiosk.

Kivy's own path for delayed (canvas) rules already ignores that case ("in case widget died in
this frame", ``Builder.sync``); :func:`install` gives the direct path the same care. It must
run before the app's widgets are made (``torg_kiosk.ui.app`` imports this module first).
"""

from __future__ import annotations

from kivy.lang import builder

_original_call_fn = builder.call_fn


def _call_fn_for_the_living(args, instance, value):
    try:
        return _original_call_fn(args, instance, value)
    except ReferenceError:
        return None  # the widget this rule would update has been collected: nothing to do


def install() -> None:
    """Route kv rule updates through :func:`_call_fn_for_the_living` (idempotent)."""
    builder.call_fn = _call_fn_for_the_living


install()
