"""torg-central: the reference central side for torg-kiosk. A REFERENCE, NOT PRODUCTION.

It serves the feed and calendars and accepts the kiosks' uploads (check-ins, call requests,
heartbeats), so the kiosk can be developed, demonstrated and tested against the real wire
protocol. It has no authentication, no TLS and no rate limits; docs/uploads.md lists what a
production central side needs.

- :mod:`torg_central.app`: :func:`~torg_central.app.create_app`, the Flask app factory.
- :mod:`torg_central.feed`, :mod:`torg_central.uploads`: one blueprint each.
- :mod:`torg_central.storage`: the SQLite file that keeps the uploads.
- :mod:`torg_central.server`: :func:`~torg_central.server.serve`, a real HTTP server in a thread.
- :mod:`torg_central.devserver`: the command line, ``python -m torg_central.devserver``.

torg_central never imports torg_kiosk: it is the other side of the wire.
"""
