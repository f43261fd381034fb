"""The Atom feed of publications: each published statement, newest first."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from drafts.models import Statement
from workflow import selectors

# How many of the latest publications the feed carries.
FEED_ITEMS = 30


def absolute(path: str) -> str:
    """``path`` at the address people reach Accord at (``ACCORD_BASE_URL``)."""
    return f"{settings.ACCORD_BASE_URL.rstrip('/')}{path}"


class PublicationsFeed(Feed[Statement, None]):
    feed_type = Atom1Feed
    title = "Accord: published statements"
    subtitle = "Joint statements of the coalition's members, with the states that signed them."

    def link(self) -> str:
        return absolute(reverse("workflow:public_list"))

    def feed_url(self) -> str:
        return absolute(reverse("workflow:public_feed"))

    def items(self) -> list[Statement]:
        return list(selectors.published_statements()[:FEED_ITEMS])

    def item_title(self, item: Statement) -> str:
        return item.title

    def item_description(self, item: Statement) -> str:
        # Atom says the summary is HTML (Django writes type="html"), which a reader renders:
        # the summary is plain text, so it is escaped as HTML here, and once more as XML by the
        # feed. Without this, "<img onerror>" typed in a statement would run in the reader.
        return escape(selectors.public_summary(item))

    def item_link(self, item: Statement) -> str:
        return absolute(reverse("workflow:public_detail", args=[item.slug]))

    def item_guid(self, item: Statement) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Statement) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Statement) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: Statement) -> str:
        return item.body.name

    def item_categories(self, item: Statement) -> list[str]:
        return [item.get_kind_display(), item.body.name]
