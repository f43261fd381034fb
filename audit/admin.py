from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the record is appended by actions and never edited by hand."""

    list_display = [
        "sequence",
        "created_at",
        "actor_name",
        "actor_delegation",
        "action",
        "target_repr",
    ]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_repr", "action"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
