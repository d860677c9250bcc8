"""The portal's application factory: config, extensions, blueprints, errors, CLI. Nothing else."""

from __future__ import annotations

import logging

from flask import Flask
from flask_compress import Compress

from portal import cli, config, db, errors, i18n, security, templating


def create_app(overrides: dict | None = None) -> Flask:
    from portal.api import bp as api_bp
    from portal.auth import bp as auth_bp
    from portal.auth import oidc, principal
    from portal.auth.sessions import DatabaseSessionInterface
    from portal.casework import bp as casework_bp
    from portal.citizen import bp as citizen_bp
    from portal.concerns import bp as concerns_bp
    from portal.delegations import bp as delegations_bp
    from portal.public import bp as public_bp
    from portal.rules import bp as rules_bp

    app = Flask(
        __name__,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.config.update(config.load())
    app.config.update(overrides or {})
    app.config.update(
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the server-side session
        MAX_CONTENT_LENGTH=1024 * 1024,
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "application/javascript",
            "text/javascript",
            "application/json",
            "image/svg+xml",
            "text/calendar",
        ],
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    db.init_app(app)
    app.session_interface = DatabaseSessionInterface()
    security.csrf.init_app(app)
    Compress(app)
    i18n.init_app(app)
    templating.init_portal(app)
    issuers = sorted({settings["issuer"] for settings in app.config["OIDC"].values()})
    security.init_app(app, form_targets=lambda: issuers)
    principal.init_app(app)
    oidc.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(citizen_bp)
    app.register_blueprint(concerns_bp)
    app.register_blueprint(casework_bp)
    app.register_blueprint(delegations_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(rules_bp)
    return app
