"""The article aggregate: given events, when a command, then events (or an error)."""

from __future__ import annotations

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ANONYMOUS, ConferenceAccess, Viewer
from forum.features.articles import model as article
from forum.features.articles.commands import (
    ProposeArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.articles.events import (
    ArticleApproved,
    ArticleProposed,
    ArticleResubmitted,
    ArticleRevised,
    ArticleSentBack,
    ArticleUnpublished,
)
from forum.features.articles.model import ArticleState

SAM = Viewer("sam", "staff")  # the proposer
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
MOD = Viewer("mod", "staff")  # moderator of the source's conference
ADA = Viewer("ada", "admin")

ACL = (("member:mod", "moderator"), ("member:sam", "contributor"))
PUBLIC = ConferenceAccess("c1", "public", ACL)
INTERNAL = ConferenceAccess("c1", "internal", ACL)
PRIVATE = ConferenceAccess("c1", "private", ACL)

PROPOSED = ArticleProposed("a1", "thread", "t1", "t1", "How we learn", "", "Body", (),
                              "sam", "sam")
APPROVED = ArticleApproved("a1", "how-we-learn", "mod")


def given(*history: Event) -> ArticleState:
    return article.load("a1", history)


def never(_slug: str) -> bool:
    return False


# --- propose ---------------------------------------------------------------


def test_a_reader_proposes_a_thread_with_its_subject_as_title() -> None:
    command = ProposeArticle("thread", "t1", summary=" Short \r\n", tags=(" Learning", "x"))
    assert article.propose(command, SAM, INTERNAL, "a1", "t1", "How we learn", "Body", "sam") \
        == [ArticleProposed("a1", "thread", "t1", "t1", "How we learn", "Short", "Body",
                               ("learning", "x"), "sam", "sam")]


def test_a_proposal_may_give_its_own_title_and_credits_the_sources_author() -> None:
    [event] = article.propose(ProposeArticle("post", "p2", title="Better"), OLI, PUBLIC,
                              "a1", "t1", "Subject", "Reply", "sam")
    assert isinstance(event, ArticleProposed)
    assert (event.title, event.author_id, event.proposed_by) == ("Better", "sam", "oli")


@pytest.mark.parametrize("actor, source", [
    (ANONYMOUS, PUBLIC),      # visitors read public conferences but do not propose
    (GUS, INTERNAL),          # a guest cannot read an internal conference
    (OLI, PRIVATE),           # nor can a staff member off the private list
])
def test_nobody_proposes_what_they_may_not_read(actor: Viewer,
                                                source: ConferenceAccess) -> None:
    with pytest.raises(NotFound):
        article.propose(ProposeArticle("thread", "t1"), actor, source, "a1", "t1", "S",
                        "B", "sam")


@pytest.mark.parametrize("command, field", [
    (ProposeArticle("room", "r1"), "source_kind"),
    (ProposeArticle("thread", "t1", title="x" * 201), "title"),
    (ProposeArticle("thread", "t1", summary="x" * 501), "summary"),
    (ProposeArticle("thread", "t1", tags=("no spaces",)), "tags"),
    (ProposeArticle("thread", "t1", tags=tuple(f"t{i}" for i in range(11))), "tags"),
    (ProposeArticle("thread", "t1", title="bell\x07"), "title"),
])
def test_bad_proposals_say_which_field(command: ProposeArticle, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        article.propose(command, SAM, PUBLIC, "a1", "t1", "S", "B", "sam")
    assert info.value.details["field"] == field


# --- review ----------------------------------------------------------------


@pytest.mark.parametrize("reviewer", [MOD, ADA])
def test_a_moderator_or_an_admin_approves_at_a_slug_of_the_title(reviewer: Viewer) -> None:
    assert article.approve(given(PROPOSED), "How we learn", reviewer, PRIVATE, never) == [
        ArticleApproved("a1", "how-we-learn", reviewer.member_id or "")]


def test_a_taken_slug_gets_a_number() -> None:
    taken = {"how-we-learn", "how-we-learn-2"}.__contains__
    [event] = article.approve(given(PROPOSED), "How we learn", MOD, PUBLIC, taken)
    assert isinstance(event, ArticleApproved) and event.slug == "how-we-learn-3"


def test_slugs_are_plain_ascii_words() -> None:
    assert article.slugify("Café, ça va? — 100% «sure»") == "cafe-ca-va-100-sure"
    assert article.slugify("???") == "article"
    assert len(article.slugify("word " * 40)) <= article.SLUG_MAX


@pytest.mark.parametrize("actor", [SAM, OLI, GUS])
def test_the_proposer_and_other_readers_do_not_approve(actor: Viewer) -> None:
    with pytest.raises((Forbidden, NotFound)):
        article.approve(given(PROPOSED), "T", actor, PUBLIC, never)


def test_a_draft_from_a_private_conference_is_invisible_to_outsiders() -> None:
    with pytest.raises(NotFound):
        article.revise(given(PROPOSED), ReviseArticle("a1", "T", "", "B"), OLI, PRIVATE)


def test_the_proposer_who_lost_access_no_longer_sees_their_draft() -> None:
    no_sam = ConferenceAccess("c1", "private", (("member:mod", "moderator"),))
    with pytest.raises(NotFound):
        article.resubmit(given(PROPOSED, ArticleSentBack("a1", "more", "mod")), SAM, no_sam)


def test_sent_back_with_a_comment_revised_and_resubmitted() -> None:
    state = given(PROPOSED)
    assert article.send_back(state, SendBackArticle("a1", " Add a summary "), MOD,
                             INTERNAL) == [ArticleSentBack("a1", "Add a summary", "mod")]
    state = given(PROPOSED, ArticleSentBack("a1", "Add a summary", "mod"))
    revised = article.revise(state, ReviseArticle("a1", "How we learn", "In short",
                                                      "Body", ("learning",), 1), SAM, INTERNAL)
    assert revised == [ArticleRevised("a1", "How we learn", "In short", "Body",
                                         ("learning",), 2, "sam")]
    assert article.resubmit(given(PROPOSED, ArticleSentBack("a1", "c", "mod"), *revised),
                            SAM, INTERNAL) == [ArticleResubmitted("a1", "sam")]


def test_send_back_needs_a_comment_and_a_waiting_article() -> None:
    with pytest.raises(InvalidInput, match="comment"):
        article.send_back(given(PROPOSED), SendBackArticle("a1", "  "), MOD, PUBLIC)
    with pytest.raises(Conflict):
        article.send_back(given(PROPOSED, APPROVED), SendBackArticle("a1", "x"), MOD,
                          PUBLIC)
    with pytest.raises(Conflict):
        article.resubmit(given(PROPOSED), SAM, PUBLIC)


def test_a_stale_revision_is_a_conflict() -> None:
    state = given(PROPOSED, ArticleRevised("a1", "T", "", "B", (), 2, "mod"))
    with pytest.raises(Conflict) as info:
        article.revise(state, ReviseArticle("a1", "T", "", "B2", (), 1), MOD, PUBLIC)
    assert info.value.details["current_revision"] == 2


def test_only_reviewers_edit_a_published_article() -> None:
    state = given(PROPOSED, APPROVED)
    with pytest.raises(Forbidden):
        article.revise(state, ReviseArticle("a1", "T", "", "B"), SAM, PUBLIC)
    assert len(article.revise(state, ReviseArticle("a1", "T", "", "B"), MOD, PUBLIC)) == 1


def test_approving_twice_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        article.approve(given(PROPOSED, APPROVED), "T", MOD, PUBLIC, never)


def test_unpublishing_needs_a_reason_and_is_final() -> None:
    state = given(PROPOSED, APPROVED)
    with pytest.raises(InvalidInput, match="reason"):
        article.unpublish(state, UnpublishArticle("a1", ""), MOD, PUBLIC)
    assert article.unpublish(state, UnpublishArticle("a1", "out of date"), MOD, PUBLIC) \
        == [ArticleUnpublished("a1", "out of date", "mod")]
    gone = given(PROPOSED, APPROVED, ArticleUnpublished("a1", "old", "mod"))
    for decide in (
        lambda: article.unpublish(gone, UnpublishArticle("a1", "x"), MOD, PUBLIC),
        lambda: article.approve(gone, "T", MOD, PUBLIC, never),
        lambda: article.revise(gone, ReviseArticle("a1", "T", "", "B"), MOD, PUBLIC),
    ):
        with pytest.raises(Conflict):
            decide()


def test_a_draft_cannot_be_unpublished() -> None:
    with pytest.raises(Conflict):
        article.unpublish(given(PROPOSED), UnpublishArticle("a1", "x"), MOD, PUBLIC)


def test_an_unknown_article_is_not_found() -> None:
    with pytest.raises(NotFound):
        article.approve(given(), "T", ADA, PUBLIC, never)


def test_state_follows_the_events() -> None:
    state = given(PROPOSED, ArticleRevised("a1", "T", "", "B", (), 2, "mod"), APPROVED)
    assert (state.status, state.revision, state.slug, state.version) == (
        "published", 2, "how-we-learn", 3)
