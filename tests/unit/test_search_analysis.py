"""Words are cut alike in posts and queries: stems, accents, code and URLs."""

from __future__ import annotations

from search.analysis import analyzer, fold, query_words


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
