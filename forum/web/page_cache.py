"""Rendered pages for anonymous readers, kept per process and keyed on generations.

A key holds every version the page depends on (the thread's and conference's
stream versions, the members read model's generation for names), so a write
makes a new key rather than invalidating an old one; old keys fall out of the
bounded LRU. Signed-in readers are never served from here: their pages carry
their own unread marks, actions and CSRF tokens.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class PageCache:
    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
