"""WSGI entry point for gunicorn: ``gunicorn --threads 50 'forum.wsgi:app'``.

Each web process follows the log for its own sockets (live push); durable
subscribers run in ``commonroom worker``.
"""

from forum import create_app

app = create_app()
app.extensions["commonroom_live"].start()
