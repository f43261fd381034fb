"""Statements and revisions in the admin: to look at, not to move.

A statement is started on the site and moves only through ``workflow.actions``, so here it
cannot be added, deleted or moved from one state to another; its change form edits the title
and the minimum number of signatures only, and only while the state allows it. Revisions never
change once written.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from delegations.models import User
from drafts import actions
from drafts.models import Revision, Statement

State = Statement.State

STATEMENT_FIELDS = (
    "title",
    "min_signatures",
    "kind",
    "body",
    "state",
    "pen_holders",
    "current_revision",
    "instrument",
    "consultation_deadline",
    "sign_on_deadline",
    "advisers_invited",
    "withdrawal_reason",
    "created_by",
    "created_at",
    "updated_at",
    "published_at",
)


def _editable(statement: Statement | None) -> list[str]:
    if statement is None:
        return []
    return sorted(actions.DETAILS_EDITABLE_IN.get(State(statement.state), set()))


class StatementForm(forms.ModelForm[Statement]):
    class Meta:
        model = Statement
        fields = ["title", "min_signatures"]

    def clean_min_signatures(self) -> int:
        value = int(self.cleaned_data["min_signatures"])
        if value < 1:
            raise forms.ValidationError("A statement needs at least one signature to be published.")
        return value


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin[Statement]):
    form = StatementForm
    list_display = ["title", "kind", "body", "state", "min_signatures", "updated_at"]
    list_filter = ["state", "kind", "body"]
    list_select_related = ["body"]
    search_fields = ["title"]
    fields = STATEMENT_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Statement | None = None) -> list[str]:
        editable = _editable(obj)
        return [name for name in STATEMENT_FIELDS if name not in editable]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Statement, form: Any, change: bool) -> None:
        stored = Statement.objects.get(pk=obj.pk)
        actions.change_details(
            cast(User, request.user),  # the admin's people are logged in
            stored,
            title=form.cleaned_data.get("title", stored.title),
            min_signatures=form.cleaned_data.get("min_signatures", stored.min_signatures),
        )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin[Revision]):
    """Read-only: a revision is what a state may have signed."""

    list_display = ["statement", "number", "author", "delegation", "short_hash", "created_at"]
    list_filter = ["statement_state"]
    list_select_related = ["statement", "author", "delegation"]
    search_fields = ["statement__title", "content_hash"]
    fields = [
        "statement",
        "number",
        "statement_state",
        "author",
        "delegation",
        "parent",
        "started_from",
        "co_authors",
        "amendment",
        "content_hash",
        "created_at",
        "text",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False
