"""What drafting tells people about: new revisions, comments and amendments."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from notifications.kinds import Kind

NEW_REVISION = Kind("new_revision", pgettext_lazy("notification", "New revision"))
COMMENT = Kind("comment", pgettext_lazy("notification", "Comment or reply"))
AMENDMENT_PROPOSED = Kind("amendment_proposed", pgettext_lazy("notification", "Amendment proposed"))
AMENDMENT_ACCEPTED = Kind("amendment_accepted", pgettext_lazy("notification", "Amendment accepted"))
AMENDMENT_REJECTED = Kind("amendment_rejected", pgettext_lazy("notification", "Amendment rejected"))

KINDS = [NEW_REVISION, COMMENT, AMENDMENT_PROPOSED, AMENDMENT_ACCEPTED, AMENDMENT_REJECTED]
