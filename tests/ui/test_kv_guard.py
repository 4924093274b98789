"""A kv rule's update for a widget that is already collected is dropped, not raised
(torg_kiosk.ui.kv_guard). Seen in the every-language walk: switching the torg set
``app.c_text`` and Kivy's ``call_fn`` raised ``ReferenceError: weakly-referenced object no
longer exists`` out of the property change, for a LineLabel that had been collected."""

from __future__ import annotations

import gc
from types import SimpleNamespace

import pytest
from kivy.lang import builder
from kivy.uix.label import Label
from kivy.weakproxy import WeakProxy

from torg_kiosk.ui import kv_guard


def handler_args_for_a_dead_label():
    """What Kivy's Builder binds for ``color: app.c_text``, for a label that has died."""
    label = Label()
    proxy = WeakProxy(label)
    del label
    gc.collect()
    rule = SimpleNamespace(count=0, value="app_colour")
    value = compile("app_colour", "<kv>", "eval")
    return (proxy, "color", value, rule, {"app_colour": [0.1, 0.2, 0.3, 1]})


def test_kivys_own_call_fn_raises_for_a_collected_widget():
    with pytest.raises(ReferenceError):
        kv_guard._original_call_fn(handler_args_for_a_dead_label(), None, None)


def test_the_kiosk_drops_the_update_for_a_collected_widget(ui):
    assert builder.call_fn is kv_guard._call_fn_for_the_living  # installed by the app
    assert builder.call_fn(handler_args_for_a_dead_label(), None, None) is None


def test_a_living_widget_still_gets_its_update(ui):
    label = Label()
    args = list(handler_args_for_a_dead_label())
    args[0] = WeakProxy(label)
    builder.call_fn(tuple(args), None, None)
    assert list(label.color) == [0.1, 0.2, 0.3, 1]
