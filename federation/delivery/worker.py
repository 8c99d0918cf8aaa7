"""The delivery worker: sends due jobs from ``deliveries``, one process at a time (a lease).

Jobs for one host are sent in order by one thread (an Accept arrives before the
posts that follow it); hosts are served in parallel. It runs as a clock step
(:class:`forum.subscribers.Tick` ``federation-delivery``) under ``commonroom
worker`` or ``commonroom run``, so exactly one process
sends at a time and a standby takes over when it dies; jobs live in the
database, so nothing is lost with the process. What a job's answer means:

* 2xx: delivered (the ledger keeps the row: Delete is sent to every inbox there).
* 4xx other than 408 and 429, or an address the SSRF guard refuses: permanent,
  the job goes to the dead letters at once.
* anything else (5xx, 408, 429, timeouts, refused connections): that host's other
  jobs wait for the next round, and this one is tried again after
  ``backoff`` × 2^(attempts−1) (capped at six hours), up to ``max_attempts``,
  then dead. After ``breaker_after`` failures in a row a host's circuit opens
  for ``breaker_for``: its jobs wait instead of being tried.

A crash between a receiver's answer and our record of it sends that job
again after the restart (at least once): receivers de-duplicate by activity id,
as the fediverse does; the window is one request per sending thread.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from federation.delivery.outbound import Outbound, Sent
from federation.tables import deliveries, delivery_hosts
from forum.core.db import write_connection

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class WorkerSettings:
    batch: int = 200
    threads: int = 8
    backoff: timedelta = timedelta(seconds=30)
    max_attempts: int = 10
    breaker_after: int = 5
    breaker_for: timedelta = timedelta(minutes=5)


def permanent(status: int | None) -> bool:
    return status is not None and 400 <= status < 500 and status not in (408, 429)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class DeliveryWorker:
    def __init__(self, engine: Engine, client: Outbound,
                 settings: WorkerSettings | None = None) -> None:
        self.engine = engine
        self.client = client
        self.settings = settings or WorkerSettings()
        self.pool = ThreadPoolExecutor(self.settings.threads,
                                       thread_name_prefix="federation-delivery")

    def _open_hosts(self, conn: Connection, now: datetime) -> dict[str, datetime]:
        rows = conn.execute(select(delivery_hosts.c.host, delivery_hosts.c.open_until).where(
            delivery_hosts.c.open_until.is_not(None))).all()
        opened = {row.host: _aware(row.open_until) for row in rows}
        return {host: until for host, until in opened.items() if until and until > now}

    def run_due(self) -> int:
        """Send what is due now; returns how many jobs were tried."""
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            due = conn.execute(select(deliveries).where(
                deliveries.c.status == "pending", deliveries.c.not_before <= now)
                .order_by(deliveries.c.id).limit(self.settings.batch)).all()
            opened = self._open_hosts(conn, now)
        waiting = [row for row in due if row.host in opened]
        if waiting:
            with write_connection(self.engine) as conn, conn.begin():
                for row in waiting:
                    conn.execute(update(deliveries).where(deliveries.c.id == row.id)
                                 .values(not_before=opened[row.host]))
        hosts: dict[str, list[Any]] = {}
        for row in due:
            if row.host not in opened:
                hosts.setdefault(row.host, []).append(row)
        return sum(self.pool.map(self._send_to_host, hosts.values()))

    def _send_to_host(self, rows: list[Any]) -> int:
        """One host's jobs in order (an Accept before the posts that follow it), each
        recorded as soon as it is answered; a host that fails is left alone for the
        rest of this round."""
        tried = 0
        for row in rows:
            sent = self.client.post(row.inbox, row.body.encode(), row.sign_as, row.key_id)
            tried += 1
            with write_connection(self.engine) as conn, conn.begin():
                self._record(conn, row, sent, datetime.now(UTC))
            if not sent.ok and not permanent(sent.status):
                break
        return tried

    def _record(self, conn: Connection, row: Any, sent: Sent, now: datetime) -> None:
        attempts = row.attempts + 1
        where = deliveries.c.id == row.id
        if sent.ok:
            conn.execute(update(deliveries).where(where).values(
                status="delivered", attempts=attempts, delivered_at=now, last_error=None))
            self._host(conn, row.host, None, now)
            return
        reason = (f"{sent.status} {sent.error or ''}" if sent.status else
                  sent.error or "failed").strip()[:500]
        if permanent(sent.status) or (sent.status is None and "not a public" in reason):
            conn.execute(update(deliveries).where(where).values(
                status="dead", attempts=attempts, last_error=reason))
            return
        values: dict[str, Any] = {"attempts": attempts, "last_error": reason}
        if attempts >= self.settings.max_attempts:
            values["status"] = "dead"
        else:
            delay = min(MAX_BACKOFF, self.settings.backoff * 2 ** (attempts - 1))
            values["not_before"] = now + delay
        conn.execute(update(deliveries).where(where).values(**values))
        self._host(conn, row.host, reason, now)

    def _host(self, conn: Connection, host: str, failure: str | None, now: datetime) -> None:
        found = conn.execute(select(delivery_hosts.c.failures).where(
            delivery_hosts.c.host == host)).scalar()
        if failure is None:
            if found:
                conn.execute(delete(delivery_hosts).where(delivery_hosts.c.host == host))
            return
        failures = (found or 0) + 1
        opened = now + self.settings.breaker_for \
            if failures >= self.settings.breaker_after else None
        if found is None:
            conn.execute(insert(delivery_hosts).values(host=host, failures=failures,
                                                       open_until=opened, last_error=failure))
        else:
            conn.execute(update(delivery_hosts).where(delivery_hosts.c.host == host).values(
                failures=failures, open_until=opened, last_error=failure))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


# --- what people see: dead letters, retrying, an object's status ---------------------------


def list_dead_letters(conn: Connection, limit: int = 200) -> list[Any]:
    return list(conn.execute(select(
        deliveries.c.id, deliveries.c.activity_id, deliveries.c.kind, deliveries.c.inbox,
        deliveries.c.host, deliveries.c.attempts, deliveries.c.last_error,
        deliveries.c.created_at).where(deliveries.c.status == "dead")
        .order_by(deliveries.c.id.desc()).limit(limit)).all())


def retry(engine: Engine, delivery_id: int) -> bool:
    """Put a dead letter back in the queue, due now; False if there is no such dead letter."""
    with write_connection(engine) as conn, conn.begin():
        done = conn.execute(update(deliveries).where(
            deliveries.c.id == delivery_id, deliveries.c.status == "dead").values(
            status="pending", attempts=0, not_before=datetime.now(UTC)))
        row = conn.execute(select(deliveries.c.host).where(
            deliveries.c.id == delivery_id)).scalar()
        if done.rowcount and row is not None:
            conn.execute(delete(delivery_hosts).where(delivery_hosts.c.host == row))
        return bool(done.rowcount)


@dataclass(frozen=True)
class Status:
    """How an object's Create/Announce went: "delivered 37/40, 3 failing: host, reason"."""

    delivered: int
    total: int
    failing: list[tuple[str, str]]
    pending: int

    def __str__(self) -> str:
        text = f"delivered {self.delivered}/{self.total}"
        if self.failing:
            text += f", {len(self.failing)} failing: " + "; ".join(
                f"{host}, {reason}" for host, reason in self.failing)
        return text


def object_status(conn: Connection, object_id: str) -> Status | None:
    rows = conn.execute(select(deliveries.c.status, deliveries.c.host,
                               deliveries.c.attempts, deliveries.c.last_error).where(
        deliveries.c.object_id == object_id, deliveries.c.kind.in_(("Create", "Announce")),
        deliveries.c.status.in_(("pending", "delivered", "dead")))).all()
    if not rows:
        return None
    failing = sorted((row.host, row.last_error or "") for row in rows
                     if row.status == "dead" or (row.status == "pending" and row.attempts))
    return Status(sum(row.status == "delivered" for row in rows), len(rows), failing,
                  sum(row.status == "pending" for row in rows))


def list_failing_hosts(conn: Connection) -> list[Any]:
    return list(conn.execute(select(delivery_hosts).order_by(
        delivery_hosts.c.failures.desc(), delivery_hosts.c.host).limit(200)).all())
