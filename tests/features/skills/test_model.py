"""Who knows what, the pure rules: given events, when a command, then events (or a refusal)."""

from __future__ import annotations

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.skills import model as skills
from forum.features.skills.commands import ListSkills, WithdrawMentoring
from forum.features.skills.events import MentoringAsked, MentoringOffered, SkillsListed

SAM = Viewer("sam-id", "staff")
OLI = Viewer("oli-id", "staff")


@pytest.mark.parametrize(("typed", "key"), [
    ("Python", "python"), ("  PYTHON ", "python"), ("Café-Übung", "cafe-ubung"),
    ("Zope & Python templating", "zope-python-templating"), ("C++", "c++"), ("C#", "c#"),
    ("Node.js", "node-js"), ("ｆｕｌｌwidth", "fullwidth"), ("Ærø", "ærø"),
    ("Машинное обучение", "машинное-обучение"), ("snake_case", "snake-case"),
])
def test_a_skill_is_keyed_by_its_folded_words(typed: str, key: str) -> None:
    assert skills.skill_key(typed) == key


def test_listing_skills_keeps_the_first_spelling_once() -> None:
    [listed] = skills.list_skills(skills.SkillsState(), ListSkills(
        ("Python", "python", " ", "Café  au  lait"), ("Rust",)), SAM)
    assert listed == SkillsListed("sam-id", ("Python", "Café au lait"), ("Rust",))


def test_the_same_lists_again_are_nothing() -> None:
    state = skills.load_skills([SkillsListed("sam-id", ("Python",), ("Rust",))])
    assert skills.list_skills(state, ListSkills(("Python",), ("Rust",)), SAM) == []
    assert skills.list_skills(state, ListSkills(("python",), ("Rust",)), SAM) != []


@pytest.mark.parametrize(("teach", "reason"), [
    (tuple(f"s{n}" for n in range(31)), "at most 30"), (("x" * 61,), "limit is 60"),
    (("---",), "no letters or digits"), (("bad\x07bell",), "control characters"),
])
def test_bad_skills_are_refused_with_a_reason(teach: tuple[str, ...], reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        skills.list_skills(skills.SkillsState(), ListSkills(teach), SAM)


def test_visitors_list_nothing() -> None:
    with pytest.raises(Forbidden):
        skills.list_skills(skills.SkillsState(), ListSkills(("Python",)), ANONYMOUS)
    with pytest.raises(Forbidden):
        skills.list_skills(skills.SkillsState(), ListSkills(("Python",)),
                           Viewer("gone", "staff", active=False))


def test_one_open_offer_per_skill_until_withdrawn() -> None:
    [offered] = skills.post_mentoring(skills.MentoringState(), "offer", "SQL", " Fridays ",
                                      SAM, "m1")
    assert offered == MentoringOffered("m1", "sam-id", "SQL", "Fridays")
    state = skills.load_mentoring([offered])
    with pytest.raises(Conflict, match="already offer to mentor in SQL"):
        skills.post_mentoring(state, "offer", "SQL", "", SAM, "m2")
    with pytest.raises(Forbidden, match="only the member"):
        skills.withdraw_mentoring(state, WithdrawMentoring("m1"), "sam-id", OLI)
    [withdrawn] = skills.withdraw_mentoring(state, WithdrawMentoring("m1"), "sam-id", SAM)
    state = skills.load_mentoring([offered, withdrawn])
    with pytest.raises(NotFound):
        skills.withdraw_mentoring(state, WithdrawMentoring("m1"), "sam-id", SAM)
    [asked] = skills.post_mentoring(state, "ask", "sql", "", SAM, "m3")
    assert isinstance(asked, MentoringAsked)


def test_mentoring_streams_are_per_member_kind_and_skill() -> None:
    assert skills.mentoring_stream("sam-id", "offer", "Café") == "mentoring-sam-id-offer-cafe"
    with pytest.raises(InvalidInput, match="'offer'"):
        skills.post_mentoring(skills.MentoringState(), "swap", "SQL", "", SAM, "m1")
    with pytest.raises(InvalidInput, match="limit is 500"):
        skills.post_mentoring(skills.MentoringState(), "ask", "SQL", "n" * 501, SAM, "m1")
