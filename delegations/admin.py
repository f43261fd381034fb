"""The coordinators' admin for delegations, people and bodies.

Every save goes through ``delegations.actions``, so a person's groups (and with them the
guardian grants on statements) stay in step with their delegation, role and chairs, and every
change is on the audit record. Nothing here is deleted: a delegation leaves (``is_member``),
a person is deactivated, and both stay on the record.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from delegations import actions
from delegations.models import Body, Delegation, User

# ``create_body`` names the chairs' group "body:<name>:chairs", and a group name holds 150
# characters.
MAX_NEW_BODY_NAME = 150 - len("body::chairs")


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "the admin is only open to people who are logged in"
    return user


def _adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row an action just created, so the admin's
    messages, log entry and redirect point at it."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


# --- delegations ----------------------------------------------------------------------------


class DelegationForm(forms.ModelForm[Delegation]):
    class Meta:
        model = Delegation
        fields = ["name", "code", "is_member"]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise forms.ValidationError("Two letters: the ISO 3166-1 alpha-2 code, e.g. CA.")
        return code


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin[Delegation]):
    form = DelegationForm
    list_display = ["name", "code", "is_member", "joined_on", "left_on"]
    list_filter = ["is_member"]
    search_fields = ["name", "code"]
    ordering = ["sort_key"]

    def get_fields(self, request: HttpRequest, obj: Delegation | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "code", "is_member")
        return ("name", "code", "is_member", "joined_on", "left_on")

    def get_readonly_fields(self, request: HttpRequest, obj: Delegation | None = None) -> list[str]:
        # The code names the delegation's groups; the dates have no action to set them yet.
        return [] if obj is None else ["code", "joined_on", "left_on"]

    def has_delete_permission(self, request: HttpRequest, obj: Delegation | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Delegation, form: DelegationForm, change: bool
    ) -> None:
        if change:
            # The form has already changed ``obj``; the action records the stored row as before.
            stored = Delegation.objects.get(pk=obj.pk)
            if (stored.name, stored.is_member) == (obj.name, obj.is_member):
                return
            _adopt(
                obj,
                actions.update_delegation(
                    _actor(request), stored, name=obj.name, is_member=obj.is_member
                ),
            )
        else:
            _adopt(
                obj,
                actions.create_delegation(
                    _actor(request), name=obj.name, code=obj.code, is_member=obj.is_member
                ),
            )


# --- people ---------------------------------------------------------------------------------

_ACTS_FOR_A_DELEGATION = {User.Role.DELEGATE, User.Role.SIGNATORY}


class _PersonRules(forms.ModelForm[User]):
    """What both the add and the change form check, with messages a coordinator can act on."""

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Someone already has an account with this e-mail.")
        return email

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        role, delegation = self.cleaned_data.get("role"), self.cleaned_data.get("delegation")
        if role in _ACTS_FOR_A_DELEGATION and delegation is None:
            self.add_error("delegation", "Delegates and signatories act for a delegation.")
        elif role and role not in _ACTS_FOR_A_DELEGATION and delegation is not None:
            self.add_error(
                "delegation", "Coordinators and advisers act for no delegation; leave it empty."
            )
        return cleaned


class PersonCreationForm(_PersonRules, AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ["email", "full_name", "role", "delegation", "organisation"]


class PersonChangeForm(_PersonRules, UserChangeForm[User]):
    class Meta:
        model = User
        fields = [
            "email",
            "password",
            "full_name",
            "role",
            "delegation",
            "organisation",
            "is_active",
        ]


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    form = PersonChangeForm
    add_form = PersonCreationForm
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "role", "delegation", "organisation"]}),
        ("Access", {"fields": ["is_active", "is_staff"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "role",
                    "delegation",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    list_display = ["email", "full_name", "role", "delegation", "is_active"]
    list_select_related = ["delegation"]
    list_filter = ["role", "delegation", "is_active"]
    search_fields = ["email", "full_name", "organisation", "delegation__name"]
    ordering = ["full_name"]
    filter_horizontal = []
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication (lost phone and recovery codes)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For people who lost their app and their recovery codes: their devices go, their
        sessions end, and they set it up again at their next login. On the record."""
        for person in queryset:
            actions.reset_two_factor(_actor(request), person)
        self.message_user(
            request, f"Reset for {len(queryset)}: they set it up again at their next login."
        )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        # Staff access follows the role: coordinators have it, nobody else.
        return ["last_login", "date_joined", "is_staff"]

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Changing a superuser (or their password) would let a coordinator become one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor = _actor(request)
        if not change:
            password = (
                form.cleaned_data["password1"]
                if form.cleaned_data.get("set_usable_password")
                else None
            )
            person = actions.add_person(
                actor,
                email=obj.email,
                full_name=obj.full_name,
                role=obj.role,
                delegation=obj.delegation,
                password=password,
                organisation=obj.organisation,
            )
            _adopt(obj, person)
            return
        stored = User.objects.select_related("delegation").get(pk=obj.pk)
        before = actions.person_facts(stored)
        if actions.person_facts(obj) != before:
            actions.change_person(
                actor,
                obj,
                email=obj.email,
                full_name=obj.full_name,
                role=obj.role,
                delegation=obj.delegation,
                is_active=obj.is_active,
                organisation=obj.organisation,
                before=before,
            )


# --- bodies ---------------------------------------------------------------------------------


class BodyForm(forms.ModelForm[Body]):
    class Meta:
        model = Body
        fields = ["name", "kind", "chairs"]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if self.instance.pk is None and len(name) > MAX_NEW_BODY_NAME:
            raise forms.ValidationError(
                f"Keep the name to {MAX_NEW_BODY_NAME} characters or fewer."
            )
        return name


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin[Body]):
    form = BodyForm
    list_display = ["name", "kind", "chair_names"]
    list_filter = ["kind"]
    search_fields = ["name", "chairs__full_name", "chairs__email"]
    filter_horizontal = ["chairs"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Body]:
        return super().get_queryset(request).prefetch_related("chairs")

    @admin.display(description="chairs")
    def chair_names(self, body: Body) -> str:
        return ", ".join(str(chair) for chair in body.chairs.all())

    def get_readonly_fields(self, request: HttpRequest, obj: Body | None = None) -> list[str]:
        # No action renames a body or changes its kind (its chairs' group is named after it).
        return [] if obj is None else ["name", "kind"]

    def has_delete_permission(self, request: HttpRequest, obj: Body | None = None) -> bool:
        return False

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "chairs":
            kwargs["queryset"] = User.objects.filter(is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Body, form: BodyForm, change: bool) -> None:
        if not change:
            _adopt(obj, actions.create_body(_actor(request), name=obj.name, kind=obj.kind))

    def save_related(
        self, request: HttpRequest, form: BodyForm, formsets: Any, change: bool
    ) -> None:
        # Not ``form.save_m2m()``: set_chairs must see who chaired before, to take anyone
        # unseated out of the chairs' group.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        body = form.instance
        chairs = set(form.cleaned_data.get("chairs", []))
        if chairs != set(body.chairs.all()):
            actions.set_chairs(_actor(request), body, chairs=chairs)


# --- two-factor authentication --------------------------------------------------------------

# Devices are never edited in the admin: deleting one there would leave its sessions verified
# (see delegations.two_factor). A coordinator resets a person's two-factor authentication
# with the people admin's action, which also ends their sessions and is on the record.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
