"""Words are cut alike in posts and queries: stems, accents, code and URLs."""

from __future__ import annotations

import random
from typing import Any

import pytest

from search.analysis import Words, analyzer, chain, fold, query_words


def indexed(text: str) -> set[str]:
    return {t.text for t in analyzer()(text)}


def test_english_words_are_stemmed_and_kept() -> None:
    assert {"running", "run", "deployments", "deploy"} <= indexed("Running deployments")


def test_accents_are_folded_and_swedish_words_stay_whole() -> None:
    words = indexed("Smörgåsbord på Götaplatsen, flickorna sjöng")
    assert {"smorgasbord", "pa", "gotaplatsen", "flickorna", "sjong"} <= words
    assert fold("Göteborg") == "goteborg"


def test_code_identifiers_are_found_whole_and_in_parts() -> None:
    words = indexed("call sess.opts with snake_case and camelCase")
    assert {"sess", "opts", "sessopts", "snake", "case", "snakecase", "camel",
            "camelcase"} <= words
    assert query_words("sess.opts") == ["sess", "opts"]
    assert query_words("camelCase") == ["camel", "case"]


def test_words_inside_urls() -> None:
    assert {"example", "com", "release", "notes"} <= indexed(
        "see https://example.com/release-notes?x=1.")


# --- the one-pass analyzer against the chain of filters it replaces -----------------

SAMPLES = [
    "Running deployments of the HttpClient via parse_args(); see os.path.join",
    "call sess.opts with snake_case, camelCase, XMLHttpRequest and __init__ or ___",
    "https://docs.example.org/a-b/c_d?x=1&y=2#frag, mail anna.berg+list@example.se",
    "ver 2.7.5, v2, SD500, 3.141, 10-20, 1,000 and x86_64 A4-papper IPv6 ::1",
    "Smörgåsbord på Götaplatsen, flickorna sjöng; ÅÄÖ åäö Ærø Straße İstanbul ﬁsh",
    "café naïve coöperate résumé ÉCOLE Œuvre Ǆemal ǅ ß ΣΊΣΥΦΟΣ Ωμέγα ١٢٣ ²³",
    "user_id=42 max_retries:3 config.yaml @handle #tag C++ C# a+b=c ~home/%20",
    "They're don't O'Neil's Bob's-car it's co-op e-mail x--y a..b a/./b",
    "",
    "   \n\t ",
    "____ _a_ a__b 9_9 __9__ 1a2b3c aBcD AbC-DeF ABCdef abcDEF",
]

ALPHABET = ("abcxyzABCXYZ0129åäöÅÄÖéÉüßİıﬁ١²_.-/:@#+=?&%~'\" \n,;()"
            "ΣσςΩωДд")


def fuzzed(count: int = 400, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
            for _ in range(count)]


CALLS: list[dict[str, Any]] = [
    {},
    {"positions": True},
    {"chars": True},
    {"start_pos": 3, "start_char": 2},
    {"positions": True, "chars": True, "start_pos": 5, "start_char": 17},
    {"positions": True, "boosts": True, "mode": "index"},  # how Whoosh indexes
    {"chars": True, "mode": "query", "removestops": False},  # how it highlights
    {"positions": True, "chars": True, "mode": "index", "removestops": False},
    {"positions": True, "chars": True, "keeporiginal": True},
    {"tokenize": False, "positions": True, "chars": True},
    {"no_morph": True, "positions": True},
]


def tokens(analyze: Any, text: str, call: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(t.__dict__) for t in analyze(text, **call)]


@pytest.mark.parametrize("stems", [True, False])
def test_words_gives_the_chains_tokens_exactly(stems: bool) -> None:
    fast, reference = Words(stems), chain(stems)
    texts = SAMPLES + fuzzed()
    for text in texts:
        for call in CALLS:
            assert tokens(fast, text, call) == tokens(reference, text, call), (text, call)
    # The cut is remembered per word: asking again (from the cache) changes nothing.
    for text in texts:
        assert tokens(fast, text, CALLS[3]) == tokens(reference, text, CALLS[3]), text


def test_the_fields_and_query_words_use_words() -> None:
    assert isinstance(analyzer(), Words) and analyzer().stems
    assert query_words("snake_case sess.opts") == ["snake", "case", "sess", "opts"]
