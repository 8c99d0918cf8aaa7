"""Whoosh written faster: the same segment bytes, and never a document twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from forum.features.conferences.events import ConferenceCreated
from forum.features.threads.events import PostDeleted, PostEdited, ReplyPosted, ThreadStarted
from search.documents import Document
from search.whoosh_index import WhooshIndex, _fields, schema
from search.whoosh_writing import FastCodec
from tests.conftest import sqlite_backend
from tests.search.conftest import index_all

WHEN = datetime(2024, 5, 1, 12, tzinfo=UTC)
TEXTS = ["Running deployments of sess.opts and snake_case",
         "Smörgåsbord på Götaplatsen https://example.org/a-b?x=1 camelCase",
         "a short one", "ver 2.7.5 and SD500 " * 30]


@pytest.fixture(autouse=True)
def closed_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every index a test opens is closed after it (its segment files are real files)."""
    opened: list[WhooshIndex] = []
    init = WhooshIndex.__init__

    def recording(self: WhooshIndex, path: Path) -> None:
        init(self, path)
        opened.append(self)

    monkeypatch.setattr(WhooshIndex, "__init__", recording)
    yield
    for index in opened:
        index.close()


def doc(n: int, body: str = "", title: str = "") -> Document:
    return Document(f"post:p{n}", "post", "c1", "t1", n, f"m{n % 3}", title,
                    body or TEXTS[n % len(TEXTS)] + f" word{n}", WHEN, n % 7 == 0)


def segment_files(path: Path, **writer: Any) -> dict[str, bytes]:
    """One segment of 300 documents, its files by name less the segment's random id."""
    path.mkdir()
    ix = whoosh_index.create_in(str(path), schema())
    w = ix.writer(compound=False, **writer)
    for n in range(300):
        w.add_document(**_fields(doc(n, title="A title" if n % 2 else "")))
    w.commit()
    (segment,) = ix._segments()
    files = {}
    for name in ix.storage.list():
        if segment.segid in name:
            with ix.storage.open_file(name) as f:
                files[name.replace(segment.segid, "")] = f.read()
    ix.close()
    return files


def test_fast_codec_writes_the_default_codecs_bytes(tmp_path: Path) -> None:
    fast = segment_files(tmp_path / "fast", codec=FastCodec())
    default = segment_files(tmp_path / "default")
    assert {".trm", ".pst"} <= {name[-4:] for name in default}
    assert fast == default


def test_a_segment_names_whooshs_own_codec(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "index")
    index.clear()
    index.write([doc(1)], [], (1, 1))
    index.close()
    (segment,) = whoosh_index.open_dir(str(tmp_path / "index"))._segments()
    assert type(segment.codec()).__module__.startswith("whoosh.")


def ids(index: WhooshIndex) -> list[str]:
    searcher = index._ix().searcher()
    try:
        return sorted(f["id"] for f in searcher.all_stored_fields() if f["kind"] != "meta")
    finally:
        searcher.close()


def test_after_a_clear_a_document_written_again_replaces_the_first(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "index")
    index.clear()
    index.write([doc(n) for n in range(10)], [], (1, 1))
    index.write([doc(3, "zqrevised"), doc(10)], ["post:p4", "post:p99"], (2, 2))
    assert ids(index) == sorted(f"post:p{n}" for n in range(11) if n != 4)
    stored = index.get("post:p3")
    assert stored is not None and stored.body == "zqrevised"
    assert index.checkpoint() == (2, 2)


def test_a_write_by_another_writer_ends_the_shortcut(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "index")
    index.clear()
    index.write([doc(1)], [], (1, 1))
    other = WhooshIndex(tmp_path / "index")  # another process, say
    other.write([doc(2, "zqother")], [], (2, 2))
    other.close()
    index.write([doc(2, "zqours")], [], (3, 3))
    assert ids(index) == ["post:p1", "post:p2"]
    stored = index.get("post:p2")
    assert stored is not None and stored.body == "zqours"


def test_a_failed_write_leaves_nothing_and_the_next_replaces(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "index")
    index.clear()
    index.write([doc(1)], [], (1, 1))
    broken = doc(2)
    object.__setattr__(broken, "created", "not a time")
    try:
        index.write([doc(3), broken], [], (2, 2))
    except AttributeError:
        pass
    else:
        raise AssertionError("a document without a time was written")
    index.write([doc(3), doc(2)], [], (3, 3))
    index.write([doc(3, "zqagain")], [], (4, 4))
    assert ids(index) == ["post:p1", "post:p2", "post:p3"]
    assert index.checkpoint() == (4, 4)


def test_after_a_clear_new_documents_are_added_without_a_look_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []
    update = SegmentWriter.update_document

    def counting(self: SegmentWriter, **fields: Any) -> None:
        looked_up.append(fields["id"])
        update(self, **fields)

    monkeypatch.setattr(SegmentWriter, "update_document", counting)
    index = WhooshIndex(tmp_path / "index")
    index.clear()
    index.write([doc(n) for n in range(5)], [], (1, 1))
    index.write([doc(n) for n in range(5, 9)] + [doc(2, "zqagain")], [], (2, 2))
    assert looked_up == ["meta:checkpoint", "post:p2", "meta:checkpoint"]
    assert len(ids(index)) == 9


def test_a_reindex_in_small_batches_holds_what_the_indexer_holds(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    backend = sqlite_backend(tmp_path, tmp_path_factory)
    backend.store.append("conference-c1", [ConferenceCreated(
        "c1", "c1", "C1", "", "public", None, "m1")], expected_version=0)
    for t in range(3):
        backend.store.append(f"thread-t{t}", [
            ThreadStarted(f"t{t}", "c1", f"subject {t}", f"t{t}p1", "m1", "first post"),
            *(ReplyPosted(f"t{t}", f"t{t}p{n}", n, f"t{t}p1", "m2", f"reply {n} of {t}")
              for n in range(2, 13))], expected_version=0)
    for t in range(3):  # later, in other batches: edits and deletions of early posts
        backend.store.append(f"thread-t{t}", [
            PostEdited(f"t{t}", f"t{t}p2", 2, f"zqedited {t}", "m2"),
            PostDeleted(f"t{t}", f"t{t}p3", "m1"),
            PostEdited(f"t{t}", f"t{t}p4", 4, f"zqedited again {t}", "m2")],
            expected_version=12)
    index_all(backend)  # the indexer, every document through update_document
    index = backend.search.index
    assert isinstance(index, WhooshIndex)
    followed = stored(index)
    monkeypatch.setattr(WhooshIndex, "reindex_batch", 7)
    backend.search.reindex(backend.store)
    assert stored(index) == followed
    assert len(followed) == 3 * 12 + 1  # a thread and 11 posts each, and the checkpoint
    assert {"zqedited 1", "zqedited again 2"} <= {f.get("body") for f in followed}


def stored(index: WhooshIndex) -> list[dict[str, Any]]:
    searcher = index._ix().searcher()
    try:
        return sorted(searcher.all_stored_fields(), key=lambda fields: str(fields["id"]))
    finally:
        searcher.close()
