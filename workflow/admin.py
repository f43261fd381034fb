"""Signatures in the admin: read-only. A delegation signs, declines or withdraws on the site."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from workflow.models import Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin[Signature]):
    list_display = ["statement", "delegation", "status", "given_by", "given_at", "short_hash"]
    list_filter = ["status", "delegation"]
    list_select_related = ["statement", "delegation", "given_by"]
    search_fields = ["statement__title", "delegation__name", "given_by__email"]
    fields = [
        "statement",
        "delegation",
        "status",
        "instrument",
        "content_hash",
        "given_by",
        "given_at",
        "changed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Signature | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Signature | None = None) -> bool:
        return False
