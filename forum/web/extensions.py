"""Flask extensions, created unbound and ``init_app``-ed in the factory."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
# Storage comes from RATELIMIT_STORAGE_URI: Redis when configured, so several
# processes share one count; otherwise this process's memory.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
