"""ActivityPub over HTTP: discovery, actors, objects, inboxes and collections, while
federation is on; and the pages and API of the people who run it.

Federation is off until an administrator sets ``COMMONROOM_FEDERATION=1``:
until then every address of the ``activitypub`` blueprint is 404 and pages
carry no ActivityPub link. :func:`register` wires everything into an app,
explicitly: one ``activitypub`` blueprint made for the app, whose routes each
module adds (``add_routes``), the moderators' ``fediverse`` pages, content
negotiation on the pages people read, and — when federation is on — the outbox
and the delivery worker on the app's subscriber runner. The JSON API
(:mod:`federation.http.api`) is registered with the rest of the API
(forum/web/api). The submodules are imported here, when an app is built, never
as a side effect of importing this package.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response

DELIVERY_EVERY = 1.0  # seconds between the delivery worker's looks at the queue


def _only_when_enabled() -> Response | None:
    from federation.http.server import enabled, missing

    return None if enabled() else missing("federation is off on this server")


def blueprint() -> Blueprint:
    """The ``activitypub`` blueprint with every route of the fediverse and its gatekeepers."""
    from federation.http import admin, collections, discovery, inbox

    bp = Blueprint("activitypub", __name__)
    bp.before_request(_only_when_enabled)
    discovery.add_routes(bp)
    inbox.add_routes(bp)
    collections.add_routes(bp)
    admin.add_routes(bp)
    return bp


def _deliver(app: Flask) -> None:
    """The outbox subscriber and the delivery worker join this app's runner."""
    from federation.delivery.outbox import Outbox
    from federation.delivery.worker import DeliveryWorker
    from federation.documents.actors import Site
    from federation.http.server import outbound
    from forum.core.subscribers import Tick

    backend = app.extensions["commonroom"]
    worker = DeliveryWorker(backend.engine, outbound(app))
    app.extensions["commonroom_delivery"] = worker
    site = Site(backend.config.base_url)
    backend.subscribers.append(Outbox(backend.engine, site,
                                      backend.config.federation_update_grace))
    backend.ticks.append(Tick("federation-delivery", DELIVERY_EVERY, worker.run_due))


def register(app: Flask) -> None:
    """Wire the blueprints, the negotiation hooks and the key store into the app."""
    from federation.delivery.keys import KeyStore
    from federation.http import manage, negotiation
    from federation.http.server import enabled, site
    from forum.web.extensions import csrf

    backend = app.extensions["commonroom"]
    app.extensions["commonroom_keys"] = KeyStore(backend.engine, backend.config.secret_key)
    if backend.config.federation:
        _deliver(app)
    bp = blueprint()
    csrf.exempt(bp)  # inboxes take signed activities from servers, never forms
    app.register_blueprint(bp)
    app.register_blueprint(manage.bp)
    app.jinja_env.globals["fediverse_status"] = manage.article_status
    negotiation.add_hooks(app)
    app.jinja_env.globals["federation_enabled"] = enabled
    app.jinja_env.globals["fediverse_host"] = lambda: site().host
