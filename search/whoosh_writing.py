"""How the Whoosh backend writes a segment faster, with the same bytes on disk.

Whoosh's writer asks the new segment for a document's field length once per
posting (about a hundred per document), and each ask reads the length column
anew: a third of a flush. Here the field writer reads each field's lengths
once per flush and answers from a list. Segments still record Whoosh's own
codec, so an index reads the same with or without this module.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.base import WrappingCodec
from whoosh.codec.whoosh3 import W3FieldWriter

_ASKED = object()  # stands for the caller's default while a field's lengths are read


class FieldLengths:
    """A segment's field lengths, each field read once, answered as the segment would.

    Wraps the per-document reader Whoosh hands its field writer and asks it
    for every document of a field the first time that field comes up, so every
    answer (``None`` for a zero length byte, ``default`` where a field keeps
    no lengths) is the reader's own.
    """

    def __init__(self, lengths: Any) -> None:
        self._lengths = lengths
        self._fields: dict[str, list[Any]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: Any = 0) -> Any:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            ask = self._lengths.doc_field_length
            lengths = self._fields[fieldname] = [
                ask(doc, fieldname, _ASKED) for doc in range(self._lengths.doc_count_all())]
        found = lengths[docnum]
        return default if found is _ASKED else found


class _FieldWriter(W3FieldWriter):  # type: ignore[misc]
    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        super().add_postings(schema, FieldLengths(lengths) if lengths else lengths, items)


class FastCodec(WrappingCodec):  # type: ignore[misc]
    """Whoosh's default codec, with a field writer that reads field lengths once a flush."""

    def __init__(self) -> None:
        super().__init__(default_codec())

    def field_writer(self, storage: Any, segment: Any) -> Any:
        return _FieldWriter(self._child, storage, segment)


class Written:
    """Which document ids an index emptied by this process may hold, as far as it wrote them.

    Whoosh's ``update_document`` looks an id up in every segment before adding
    it; after a clear, a full reindex asks that for each new document and
    finds nothing. A bit per hash of an id (8 MiB, whatever the forum's size)
    proves a clear bit's ids were never written, so their documents are simply
    added; a set bit (written, or sharing a hash) takes Whoosh's look-up.
    Valid for one generation of the index: another writer's commit in between
    (there should be none) ends it.
    """

    BITS = 1 << 26

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self._bits = bytearray(self.BITS // 8)

    def _where(self, doc_id: str) -> tuple[int, int]:
        spot = hash(doc_id) & (self.BITS - 1)
        return spot >> 3, 1 << (spot & 7)

    def may_hold(self, doc_id: str) -> bool:
        byte, bit = self._where(doc_id)
        return bool(self._bits[byte] & bit)

    def mark(self, doc_id: str) -> bool:
        """Note ``doc_id`` as written; whether it may have been written before."""
        byte, bit = self._where(doc_id)
        held = bool(self._bits[byte] & bit)
        self._bits[byte] |= bit
        return held
