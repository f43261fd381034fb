"""The profile page: who the person is, their language and time zone, and their personal API
tokens; and the header's language switcher.

Thin: each view parses input, calls one action or selector, and renders or redirects.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from delegations import actions, selectors, two_factor
from delegations.forms import ApiTokenForm, LanguageAndTimeZoneForm
from delegations.models import User

# The profile page's sections, in order; each is a template given the page's context.
PROFILE_SECTIONS = [
    "delegations/_profile_identity.html",
    "delegations/_profile_language.html",
    "delegations/_profile_two_factor.html",
    "delegations/_profile_api_tokens.html",
]


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _profile(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    person = _person(request)
    return render(
        request,
        "delegations/profile.html",
        {
            "sections": PROFILE_SECTIONS,
            "person": person,
            "chaired_bodies": person.chaired_bodies.order_by("name"),
            "tokens": selectors.api_tokens_of(person),
            "token_form": ApiTokenForm(),
            "two_factor": two_factor.status_of(person),
            "locale_form": LanguageAndTimeZoneForm(
                initial={"language": person.language, "time_zone": person.time_zone}
            ),
            **context,
        },
        status=status,
    )


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def create_api_token(request: HttpRequest) -> HttpResponse:
    """Make a token and show its secret this once (the page is not redirected to, so the
    secret is never stored anywhere but in the person's own copy)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile(request, status=400, token_form=form)
    token, secret = actions.create_api_token(_person(request), name=form.cleaned_data["name"])
    return _profile(request, status=201, new_token=token, new_secret=secret)


@login_required
@require_http_methods(["GET", "POST"])
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST revokes. Another person's token is 404, as if it did not exist."""
    token = selectors.api_token_of(_person(request), pk)
    if request.method == "GET":
        return render(request, "delegations/revoke_api_token.html", {"token": token})
    actions.revoke_api_token(_person(request), token)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("delegations:profile")


@login_required
@require_POST
def set_language_and_time_zone(request: HttpRequest) -> HttpResponse:
    form = LanguageAndTimeZoneForm(request.POST)
    if not form.is_valid():
        return _profile(request, status=400, locale_form=form)
    person = actions.set_language_and_time_zone(
        _person(request),
        language=form.cleaned_data["language"],
        time_zone=form.cleaned_data["time_zone"],
    )
    # The confirmation speaks the new language; so does the cookie, after logging out.
    if person.language:
        translation.activate(person.language)
    messages.success(request, _("Your language and time zone are saved."))
    response = redirect("delegations:profile")
    _remember_language(response, person.language)
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: Django's ``set_language`` (it sets the language cookie
    and goes back to ``next``), and for a logged-in person the choice is saved on their
    profile too, so it follows them to their next login on any browser."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and user.is_authenticated and language in dict(settings.LANGUAGES):
        actions.set_language_and_time_zone(user, language=language)
    return response


def _remember_language(response: HttpResponse, language: str) -> None:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
        )


@require_GET
def admin_login(request: HttpRequest) -> HttpResponse:
    """Where the admin sends whoever it does not let in: a visitor logs in through Accord's
    own login (throttled, with its two-factor step); a logged-in person who is not staff is
    told the admin is not theirs (403), never sent round to the login and back again."""
    if not request.user.is_authenticated:
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{reverse('login')}?{query}" if query else reverse("login"))
    if request.user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied(
        _(
            "The admin is where the coordination unit manages delegations, people and bodies; "
            "your account has no access to it."
        )
    )
