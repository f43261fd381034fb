"""What the workflow tells people about: a statement's life, its signatures, its deadlines."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from notifications.kinds import Kind

CONSULTATION_OPENED = Kind(
    "consultation_opened", pgettext_lazy("notification", "Consultation opened")
)
SIGN_ON_OPENED = Kind(
    "sign_on_opened", pgettext_lazy("notification", "Sign-on opened"), emailed_to_signatories=True
)
RETURNED_TO_DRAFTING = Kind(
    "returned_to_drafting",
    pgettext_lazy("notification", "Returned to drafting (signatures void)"),
    emailed_to_signatories=True,
)
PUBLISHED = Kind("published", pgettext_lazy("notification", "Published"))
WITHDRAWN = Kind("withdrawn", pgettext_lazy("notification", "Withdrawn"))
SIGNATURE_GIVEN = Kind("signature_given", pgettext_lazy("notification", "Signature given"))
SIGNATURE_WITHDRAWN = Kind(
    "signature_withdrawn", pgettext_lazy("notification", "Signature withdrawn")
)
SIGNATURE_DECLINED = Kind("signature_declined", pgettext_lazy("notification", "Sign-on declined"))
SIGNATURE_REMOVED = Kind(
    "signature_removed",
    pgettext_lazy("notification", "Signature removed from a published statement"),
    emailed_to_signatories=True,
)
DEADLINE_APPROACHING = Kind(
    "deadline_approaching",
    pgettext_lazy("notification", "Deadline approaching"),
    emailed_to_signatories=True,
)
DEADLINE_PASSED = Kind(
    "deadline_passed",
    pgettext_lazy("notification", "Deadline passed"),
    emailed_to_signatories=True,
)

KINDS = [
    CONSULTATION_OPENED,
    SIGN_ON_OPENED,
    RETURNED_TO_DRAFTING,
    PUBLISHED,
    WITHDRAWN,
    SIGNATURE_GIVEN,
    SIGNATURE_WITHDRAWN,
    SIGNATURE_DECLINED,
    SIGNATURE_REMOVED,
    DEADLINE_APPROACHING,
    DEADLINE_PASSED,
]
