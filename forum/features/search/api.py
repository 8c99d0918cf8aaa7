"""Full-text search over what the caller may read."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from forum.core.errors import InvalidQuery
from forum.features.search import views as search_page
from forum.features.search.schemas import SearchArgs, SearchResultsSchema
from forum.web.api.blueprint import Blueprint
from forum.web.api.documents import person
from search import QueryError

blp = Blueprint("api_search", "Search threads, posts, chat, people and articles.")


def _item(shown: search_page.Shown) -> dict[str, Any]:
    hit = shown.hit
    return {
        "id": hit.doc_id, "kind": hit.kind, "url": shown.url, "title": shown.title,
        "place": shown.place, "created_at": hit.created, "snippet_html": hit.snippet_html,
        "author": person(hit.author, shown.author_handle, shown.author_name)
        if shown.author_handle else None,
    }


@blp.route("/search")
class Search(MethodView):
    @blp.errors(400, 422)
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, SearchResultsSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search; a query we cannot read is a 400 with the reason and corrected queries."""
        try:
            results, shown = search_page.run_search(args["q"], {
                "sort": args["sort"], "page": args["page"], "per_page": args["limit"]})
        except QueryError as refused:
            raise InvalidQuery(refused.message, suggestions=refused.suggestions) from None
        return {"items": [_item(s) for s in shown], "total": results.total,
                "total_is_exact": results.total_is_exact,
                "page": results.page, "pages": results.pages,
                "suggestion": results.suggestion}
