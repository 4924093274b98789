"""The Flask app factory: :func:`create_app` wires the configuration, storage and blueprints.

Blueprints today: :mod:`~torg_central.feed` (the feed and calendars),
:mod:`~torg_central.uploads` (check-ins, sign-ups, call requests, heartbeats),
:mod:`~torg_central.calls` (the call queue and the caseworker page) and
:mod:`~torg_central.attendance` (the attendance report, CSV) and :mod:`~torg_central.fleet`
(the fleet page). Another part is added
the same way: a module with a
``blueprint``, registered here, reaching the store through
:func:`torg_central.context.central`.
"""

from __future__ import annotations

from flask import Flask

from torg_central import attendance, calls, context, feed, fleet, uploads
from torg_central.config import NOT_PRODUCTION, CentralConfig
from torg_central.errors import register_error_handlers


def create_app(config: CentralConfig) -> Flask:
    """A WSGI app serving ``config``'s feed and keeping uploads in ``config.db_path``."""
    app = Flask(__name__)
    # Werkzeug answers 413 for a body over this limit before a view reads it.
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    context.attach(app, config)
    register_error_handlers(app)
    app.register_blueprint(feed.blueprint)
    app.register_blueprint(uploads.blueprint)
    app.register_blueprint(calls.blueprint)
    app.register_blueprint(attendance.blueprint)
    app.register_blueprint(fleet.blueprint)

    @app.get("/")
    def index():
        return NOT_PRODUCTION + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app
