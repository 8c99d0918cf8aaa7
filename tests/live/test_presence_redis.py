"""Who is online, shared through a real Redis: two tables stand for two processes."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from forum.live.presence import SharedPresence
from tests.web.test_rate_limit_redis import redis_url


@pytest.fixture
def prefix() -> Iterator[str]:
    url = redis_url()
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def table(prefix: str, ttl: float = 10.0) -> SharedPresence:
    return SharedPresence(redis_url(), prefix, ttl)


def test_both_processes_give_the_same_list(prefix: str) -> None:
    one, two = table(prefix), table(prefix)
    assert one.add("s1", "sam") is True
    assert two.add("o1", "oli") is True
    assert one.online() == two.online() == {"sam": "online", "oli": "online"}
    # A second socket elsewhere changes nothing; going away counts only when all are away.
    assert two.add("s2", "sam") is False
    assert one.set_away("s1", True) is None
    assert two.set_away("s2", True) == ("sam", "away")
    assert one.online() == {"sam": "away", "oli": "online"}
    assert one.status("sam") == two.status("sam") == "away"
    # Leaving one process's socket keeps the member in the other's.
    assert one.remove("s1") is None
    assert two.online()["sam"] == "away"
    assert two.remove("s2") == ("sam", "offline")
    assert one.online() == two.online() == {"oli": "online"}
    # What each process delivers to stays its own.
    assert one.sids("oli") == [] and two.sids("oli") == ["o1"]


def test_a_process_that_stops_beating_is_cleared_out(prefix: str) -> None:
    dying, living = table(prefix, ttl=0.5), table(prefix, ttl=5)
    dying.add("s1", "sam")
    dying.add("a1", "ana")
    living.add("a2", "ana")
    heard: list[tuple[str, str]] = []
    living.beat(lambda member, status: heard.append((member, status)))
    assert heard == [] and living.online() == {"sam": "online", "ana": "online"}
    time.sleep(0.7)  # past the dying process's deadline, without a beat
    # Before anyone clears it out, its sockets already no longer count...
    assert living.online() == {"ana": "online"}
    # ...and the first beat after clears it out once and says who went offline.
    living.beat(lambda member, status: heard.append((member, status)))
    assert sorted(heard) == [("ana", "online"), ("sam", "offline")]
    living.beat(lambda member, status: heard.append((member, status)))
    assert len(heard) == 2
    client = redis.Redis.from_url(redis_url())
    assert client.smembers(f"{prefix}:presence:online") == {b"ana"}
    assert not client.exists(f"{prefix}:presence:process:{dying.process}")


def test_a_cleared_out_process_that_wakes_up_writes_its_sockets_again(prefix: str) -> None:
    paused, other = table(prefix, ttl=0.5), table(prefix, ttl=5)
    paused.add("s1", "sam")
    time.sleep(0.7)
    other.beat(lambda *_: None)
    assert other.online() == {}
    heard: list[tuple[str, str]] = []
    paused.beat(lambda member, status: heard.append((member, status)))
    assert heard == [("sam", "online")]
    assert other.online() == {"sam": "online"}


def test_a_clean_stop_says_goodbye_at_once(prefix: str) -> None:
    stopping, staying = table(prefix), table(prefix)
    heard: list[tuple[str, str]] = []
    stopping.start(lambda member, status: heard.append((member, status)))
    stopping.add("s1", "sam")
    stopping.set_away("s1", True)
    assert staying.online() == {"sam": "away"}
    stopping.stop()
    assert heard == [("sam", "offline")]
    assert staying.online() == {}
