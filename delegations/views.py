"""The profile page: who the person is, and their personal API tokens.

Thin: each view parses input, calls one action or selector, and renders or redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from delegations import actions, selectors
from delegations.forms import ApiTokenForm
from delegations.models import User

# The profile page's sections, in order; each is a template given the page's context.
PROFILE_SECTIONS = [
    "delegations/_profile_identity.html",
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
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("delegations:profile")
