"""Flask extensions, created unbound and ``init_app``-ed in the factory.

The rate limiter is the exception: it keeps its settings (key prefix,
storage) from the first app it meets, so each app gets its own (forum.web.app).
"""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
