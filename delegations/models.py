"""Member delegations, the people who act for them, and the bodies that steer statements."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def collation_key(name: str) -> str:
    """The key a delegation sorts by, as the coalition lists its members.

    A leading "The" is ignored ("The Netherlands" sorts under N) and "Republic of X" sorts
    under X, so the order matches the coalition's own list.
    """
    key = name.strip()
    if key.lower().startswith("the "):
        key = key[4:]
    if key.lower().startswith("republic of "):
        key = f"{key[12:]}, Republic of"
    return key.casefold()


class Delegation(models.Model):
    """A state's delegation to the coalition. Signs for its state; kept once it has acted."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        "ISO 3166-1 alpha-2 code",
        max_length=2,
        unique=True,
        help_text="Two capital letters, e.g. CA for Canada.",
    )
    sort_key = models.CharField(max_length=120, editable=False, db_index=True)
    is_member = models.BooleanField(
        default=True, help_text="Member delegations see consultations and may sign on."
    )
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="delegation", editable=False
    )
    signatories_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="signatory_delegation", editable=False
    )

    class Meta:
        ordering = ["sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="delegation_code_is_alpha2"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> str:
        """Its name in the reader's language (``delegations.names``)."""
        from delegations.names import shown_name

        return shown_name(self.name, self.code)


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows, e.g. "Europe/Paris"."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Paris or America/Mexico_City."),
            code="invalid_time_zone",
            params={"value": value},
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A person needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", User.Role.COORDINATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by e-mail, usually on behalf of one delegation."""

    class Role(models.TextChoices):
        DELEGATE = "delegate", _("Delegate")
        SIGNATORY = "signatory", _("Signatory")
        COORDINATOR = "coordinator", _("Coordinator")
        ADVISER = "adviser", _("Adviser")

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=160)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DELEGATE)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=(
            "Delegates and signatories act for one delegation; coordinators and advisers for none."
        ),
    )
    organisation = models.CharField(
        max_length=160, blank=True, help_text="For advisers: the organisation they come from."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language Accord speaks to this person; blank: their browser's."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Dates and times are shown in it, e.g. Europe/Paris."),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["delegate", "signatory"], delegation__isnull=False)
                    | models.Q(role__in=["coordinator", "adviser"], delegation__isnull=True)
                ),
                name="delegates_and_signatories_have_a_delegation",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == self.Role.COORDINATOR

    @property
    def is_signatory(self) -> bool:
        return self.is_active and self.role == self.Role.SIGNATORY

    @property
    def is_adviser(self) -> bool:
        return self.is_active and self.role == self.Role.ADVISER

    @property
    def acts_for_member(self) -> bool:
        """True for a delegate or signatory of a delegation that is a member today."""
        return (
            self.is_active
            and self.delegation_id is not None
            and self.delegation is not None
            and self.delegation.is_member
        )

    @property
    def label(self) -> str:
        """How a person is named beside what they did: "Jane Doe (Canada)"."""
        if self.delegation_id is not None and self.delegation is not None:
            return f"{self} ({self.delegation.name})"
        return str(self)

    @property
    def affiliation(self) -> str:
        """The delegation, organisation or unit a person is shown with."""
        if self.delegation_id is not None and self.delegation is not None:
            return self.delegation.shown_name
        if self.role == self.Role.COORDINATOR:
            return str(_("Coordination unit"))
        return self.organisation or str(_("Advisory network"))

    @property
    def affiliation_code(self) -> str:
        """What a live page words :attr:`affiliation` by, in its reader's language: a
        delegation's ISO code ("DE"), ``"coordination_unit"`` or ``"advisory_network"`` for
        Accord's own words; ``""`` for an organisation's own name, the same in every language."""
        if self.delegation_id is not None and self.delegation is not None:
            return self.delegation.code
        if self.role == self.Role.COORDINATOR:
            return "coordination_unit"
        return "" if self.organisation else "advisory_network"


class Body(models.Model):
    """The plenary, a task force or a working group: the owner of statements, steered by chairs."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        TASK_FORCE = "task_force", _("Task force")
        WORKING_GROUP = "working_group", _("Working group")

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WORKING_GROUP)
    chairs = models.ManyToManyField(
        User, related_name="chaired_bodies", blank=True, help_text="The people who chair it."
    )
    chairs_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="chaired_body", editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token: its owner acts through the API as they act on the pages.

    Only the SHA-256 of the secret is kept; the secret itself is shown once, when the token is
    made. ``prefix`` (its first characters) lets the owner tell their tokens apart.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the owner uses it for.")
    key_hash = models.CharField("SHA-256 of the secret", max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
