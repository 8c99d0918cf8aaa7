"""Who is online: each member's sockets, online while one of them is not away.

One process keeps the table in memory (:class:`Presence`). With Redis, every
web process also writes its sockets to Redis (:class:`SharedPresence`), so the
"who is online" list a page starts with is the same whichever process serves
it. Each process renews a deadline in Redis every few seconds; the sockets of
a process whose deadline passed (killed, frozen, cut off) no longer count, and
the first live process to notice removes them and announces who went offline.

What a process delivers to (its own sockets, per member) stays in memory: a
socket lives in exactly one process.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

log = logging.getLogger(__name__)

Announce = Callable[[str, str], None]  # (member id, "online" | "away" | "offline")
Change = tuple[str, str] | None  # a member whose status changed, and their status now


def status_of(states: list[bool]) -> str:
    """A member's status from the away flags of their sockets."""
    if not states:
        return "offline"
    return "away" if all(states) else "online"


@dataclass
class Presence:
    """Sockets per member, in this process."""

    sockets: dict[str, dict[str, bool]] = field(default_factory=dict)  # member -> sid -> away
    owners: dict[str, str] = field(default_factory=dict)  # sid -> member
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sid: str, member_id: str) -> bool:
        """Register a socket; True if the member just came online."""
        with self.lock:
            was = self._status(member_id)
            self.sockets.setdefault(member_id, {})[sid] = False
            self.owners[sid] = member_id
            return was != "online"

    def remove(self, sid: str) -> Change:
        """Forget a socket; its member and their new status if it changed."""
        with self.lock:
            member_id = self.owners.pop(sid, None)
            if member_id is None:
                return None
            was = self._status(member_id)
            self.sockets.get(member_id, {}).pop(sid, None)
            if not self.sockets.get(member_id):
                self.sockets.pop(member_id, None)
            now = self._status(member_id)
            return (member_id, now) if now != was else None

    def set_away(self, sid: str, away: bool) -> Change:
        """Mark a socket away (hidden tab) or back; its member and their new status
        if it changed."""
        with self.lock:
            member_id = self.owners.get(sid)
            if member_id is None:
                return None
            was = self._status(member_id)
            self.sockets[member_id][sid] = away
            now = self._status(member_id)
            return (member_id, now) if now != was else None

    def is_away(self, sid: str) -> bool:
        with self.lock:
            member_id = self.owners.get(sid)
            return member_id is not None and self.sockets[member_id].get(sid, False)

    def member_of(self, sid: str) -> str | None:
        return self.owners.get(sid)

    def sids(self, member_id: str) -> list[str]:
        """This process's sockets of one member."""
        with self.lock:
            return list(self.sockets.get(member_id, {}))

    def all_sids(self) -> list[str]:
        with self.lock:
            return list(self.owners)

    def members_here(self) -> list[str]:
        """The members with a socket in this process."""
        with self.lock:
            return list(self.sockets)

    def status(self, member_id: str) -> str:
        with self.lock:
            return self._status(member_id)

    def _status(self, member_id: str) -> str:
        return status_of(list(self.sockets.get(member_id, {}).values()))

    def online(self) -> dict[str, str]:
        """Every member online or away, with their status."""
        with self.lock:
            return {m: self._status(m) for m in self.sockets}

    def start(self, announce: Announce) -> None:
        """Nothing to keep alive in one process."""

    def stop(self) -> None:
        """Nothing to hand over in one process."""


# Each script runs atomically in Redis, so two processes changing one member's
# sockets at once both see a consistent before and after. Keys: a hash per
# member ("<process> <sid>" -> "0" online / "1" away), a hash per process
# (sid -> member, to clean up after it), the set of members with any socket,
# and the processes with their deadlines (a sorted set, by Redis's clock).

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: member hash, process hash, online set, processes
# ARGV: process, sid, member, "0"/"1" to set or "" to remove, ttl
_CHANGE = _NOW + """
local before = redis.call('HGETALL', KEYS[1])
local field = ARGV[1] .. ' ' .. ARGV[2]
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[1], field)
  redis.call('HDEL', KEYS[2], ARGV[2])
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[3]) end
else
  redis.call('ZADD', KEYS[4], 'NX', now + tonumber(ARGV[5]), ARGV[1])
  redis.call('HSET', KEYS[1], field, ARGV[4])
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  redis.call('SADD', KEYS[3], ARGV[3])
end
local after = redis.call('HGETALL', KEYS[1])
return {before, after, redis.call('ZRANGEBYSCORE', KEYS[4], now, '+inf')}
"""

# KEYS: processes, the process's hash; ARGV: process, ttl. Returns how many
# sockets Redis holds for the process, then the processes past their deadline.
_BEAT = _NOW + """
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return {redis.call('HLEN', KEYS[2]), redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)}
"""

# KEYS: processes, the process's hash, online set; ARGV: process, member-key
# prefix. Removes a (dead or stopping) process's sockets once, whoever asks
# first; returns the members who had sockets there.
_REAP = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 and ARGV[3] ~= 'self' then return {} end
local sockets = redis.call('HGETALL', KEYS[2])
local members = {}
for i = 1, #sockets, 2 do
  local key = ARGV[2] .. sockets[i + 1]
  redis.call('HDEL', key, ARGV[1] .. ' ' .. sockets[i])
  if redis.call('HLEN', key) == 0 then redis.call('SREM', KEYS[3], sockets[i + 1]) end
  members[#members + 1] = sockets[i + 1]
end
redis.call('DEL', KEYS[2])
return members
"""

# KEYS: online set, processes; returns the live processes, then each member
# followed by their hash's flat field/value list.
_ONLINE = _NOW + """
local result = {redis.call('ZRANGEBYSCORE', KEYS[2], now, '+inf')}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  result[#result + 1] = member
  result[#result + 1] = redis.call('HGETALL', ARGV[1] .. member)
end
return result
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _status_in(flat: list[Any], alive: set[str]) -> str:
    """A member's status from their hash (flat field/value list), live processes only."""
    states = [_text(flat[i + 1]) == "1" for i in range(0, len(flat), 2)
              if _text(flat[i]).split(" ", 1)[0] in alive]
    return status_of(states)


class SharedPresence(Presence):
    """Presence kept in Redis as well, so every process gives the same list.

    ``ttl`` is how long a process's sockets count after its last heartbeat;
    a process beats every ``ttl / 4`` seconds and, on each beat, clears out
    the processes whose deadline passed. A killed process's members are
    announced offline within ``ttl * 1.25`` seconds.
    """

    def __init__(self, redis_url: str, prefix: str, ttl: float = 10.0) -> None:
        super().__init__()
        self.redis = redis.Redis.from_url(redis_url, socket_timeout=2)
        self.process = uuid.uuid4().hex[:16]
        self.ttl = ttl
        key = f"{prefix}:presence"
        self.keys = {"processes": f"{key}:processes", "online": f"{key}:online",
                     "member": f"{key}:member:", "process": f"{key}:process:"}
        self._change = self.redis.register_script(_CHANGE)
        self._beat = self.redis.register_script(_BEAT)
        self._reap = self.redis.register_script(_REAP)
        self._online = self.redis.register_script(_ONLINE)
        # This process's changes, one at a time: in memory and in Redis together.
        self.writing = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._announce: Announce | None = None

    # --- one socket -------------------------------------------------------------

    def _write(self, sid: str, member_id: str, value: str) -> tuple[str, str]:
        """Set (or with ``value`` "" remove) one socket in Redis; the member's
        status before and after, across every live process."""
        before, after, alive = self._change(
            keys=[self.keys["member"] + member_id, self.keys["process"] + self.process,
                  self.keys["online"], self.keys["processes"]],
            args=[self.process, sid, member_id, value, self.ttl])
        processes = {_text(p) for p in alive}
        return _status_in(before, processes), _status_in(after, processes)

    def add(self, sid: str, member_id: str) -> bool:
        with self.writing:
            super().add(sid, member_id)
            try:
                was, now = self._write(sid, member_id, "0")
            except redis.RedisError:
                log.warning("presence: Redis unavailable; %s counted in this process only",
                            member_id, exc_info=True)
                return True
        return was != now

    def remove(self, sid: str) -> Change:
        with self.writing:
            member_id = self.member_of(sid)
            here = super().remove(sid)
            if member_id is None:
                return None
            try:
                was, now = self._write(sid, member_id, "")
            except redis.RedisError:
                log.warning("presence: Redis unavailable; %s left in this process only",
                            member_id, exc_info=True)
                return here
        return (member_id, now) if was != now else None

    def set_away(self, sid: str, away: bool) -> Change:
        with self.writing:
            member_id = self.member_of(sid)
            here = super().set_away(sid, away)
            if member_id is None:
                return None
            try:
                was, now = self._write(sid, member_id, "1" if away else "0")
            except redis.RedisError:
                log.warning("presence: Redis unavailable", exc_info=True)
                return here
        return (member_id, now) if was != now else None

    # --- everyone ----------------------------------------------------------------

    def online(self) -> dict[str, str]:
        try:
            found = self._online(keys=[self.keys["online"], self.keys["processes"]],
                                 args=[self.keys["member"]])
        except redis.RedisError:
            log.warning("presence: Redis unavailable; listing this process only",
                        exc_info=True)
            return super().online()
        alive = {_text(p) for p in found[0]}
        result = {}
        for i in range(1, len(found), 2):
            status = _status_in(found[i + 1], alive)
            if status != "offline":
                result[_text(found[i])] = status
        return result

    def status(self, member_id: str) -> str:
        return self.online().get(member_id, "offline")

    # --- keeping this process alive, clearing out dead ones --------------------------

    def beat(self, announce: Announce) -> None:
        """Renew this process's deadline; clear out processes past theirs."""
        with self.writing:  # no socket comes or goes between the count and the rewrite
            held, dead = self._beat(keys=[self.keys["processes"],
                                          self.keys["process"] + self.process],
                                    args=[self.process, self.ttl])
            sids = self.all_sids()
            if held != len(sids):
                # Taken for dead after a long pause and cleared out: write our
                # sockets again (writing one twice is harmless).
                log.warning("presence: Redis held %d of this process's %d sockets; "
                            "writing them again", held, len(sids))
                for sid in sids:
                    member_id = self.member_of(sid)
                    if member_id is not None:
                        was, now = self._write(sid, member_id,
                                               "1" if self.is_away(sid) else "0")
                        if was != now:
                            announce(member_id, now)
        for process in dead:
            self.clear_out(_text(process), announce)

    def clear_out(self, process: str, announce: Announce, *, own: bool = False) -> None:
        """Remove one process's sockets (once, whoever asks first) and announce
        each of its members' status as it is now."""
        members = self._reap(
            keys=[self.keys["processes"], self.keys["process"] + process, self.keys["online"]],
            args=[process, self.keys["member"], "self" if own else ""])
        if not members:
            return
        now = self.online()
        for member_id in dict.fromkeys(_text(m) for m in members):
            announce(member_id, now.get(member_id, "offline"))

    def start(self, announce: Announce) -> None:
        """Beat on a background thread until :meth:`stop`."""
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.beat(announce)
                except Exception:
                    # Redis or the database away for a moment: say so, keep beating
                    # (a process that stops beating is soon taken for dead).
                    log.exception("presence: heartbeat failed; retrying")
                self._stop.wait(self.ttl / 4)

        self._announce = announce
        self._stop.clear()
        self._thread = threading.Thread(target=loop, name="presence", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and take this process's sockets out at once (a clean stop)."""
        self._stop.set()
        if self._thread is not None and self._announce is not None:
            self._thread.join(5)
            try:
                self.clear_out(self.process, self._announce, own=True)
            except redis.RedisError:
                log.warning("presence: could not clear this process out of Redis",
                            exc_info=True)
