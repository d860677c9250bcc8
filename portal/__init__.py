"""The portal's application factory: config, extensions, blueprints, errors, CLI. Nothing else."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import (
    cli,
    config,
    db,
    errors,
    frame,
    i18n,
    limits,
    logs,
    metrics,
    page_cache,
    routing,
    security,
    templating,
)


def create_app(overrides: dict | None = None) -> Flask:
    from portal.api import bp as api_bp
    from portal.auth import bp as auth_bp
    from portal.auth import oidc, principal
    from portal.auth.sessions import DatabaseSessionInterface, refuse_without_store
    from portal.casework import bp as casework_bp
    from portal.citizen import bp as citizen_bp
    from portal.concerns import bp as concerns_bp
    from portal.coordination import bp as coordination_bp
    from portal.delegations import bp as delegations_bp
    from portal.figures import bp as figures_bp
    from portal.ops import bp as ops_bp
    from portal.public import bp as public_bp
    from portal.rules import bp as rules_bp

    app = Flask(
        __name__,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.jinja_environment = templating.PortalEnvironment
    routing.init_app(app)
    app.config.update(config.load())
    app.config.update(overrides or {})
    if app.config.get("TRUSTED_PROXIES"):
        # Behind a load balancer: the client's address and scheme are the forwarded ones, from
        # exactly as many proxies as we run (more would let a client choose its own address).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.config.update(
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
    logs.init_app(app)

    db.init_app(app)
    app.session_interface = DatabaseSessionInterface()
    app.before_request(refuse_without_store)  # before the CSRF check: it reads the session
    security.csrf.init_app(app)
    Compress(app)
    i18n.init_app(app)
    templating.init_portal(app)
    frame.init_app(app)
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
    app.register_blueprint(coordination_bp)
    app.register_blueprint(figures_bp)
    app.register_blueprint(delegations_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(rules_bp)
    app.register_blueprint(ops_bp)
    metrics.init_app(app)
    limits.init_app(app)
    page_cache.init_app(app)
    return app
