"""The notification centre: newest first, filters, mark one or all read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import actions, kinds, reach, selectors
from notifications.models import Delivery, DigestSubscription, Notification
from notifications.preferences import choices_of


@login_required
@require_GET
def centre(request: HttpRequest) -> HttpResponse:
    event = request.GET.get("event", "")
    if event not in kinds.codes():
        event = ""
    subject = request.GET.get("statement", "")[:64]
    unread_only = request.GET.get("unread") == "1"
    found = selectors.notifications_of(
        request.user, event=event, subject_id=subject, unread_only=unread_only
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    # A notification about a statement since withdrawn or no longer shared says so instead of
    # leading to a 404.
    unreachable = reach.out_of_reach(request.user, page.object_list)
    for notification in page.object_list:
        notification.out_of_reach = unreachable.get(notification.pk, "")  # type: ignore[attr-defined]
    bursts = selectors.in_bursts(page.object_list)
    return render(
        request,
        "notifications/centre.html",
        {
            "page": page,
            "bursts": bursts,
            "events": kinds.choices(),
            "subjects": selectors.subjects_of(request.user),
            "chosen_event": event,
            "chosen_subject": subject,
            "unread_only": unread_only,
        },
    )


def _own(request: HttpRequest, pk: int) -> Notification:
    found = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if found is None:
        raise Http404(_("No such notification."))
    return found


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points."""
    notification = _own(request, pk)
    actions.mark_read(request.user, notification_ids=[notification.pk])
    if reach.out_of_reach(request.user, [notification]):
        messages.info(request, _("That statement is no longer available to you."))
        return redirect("notifications:centre")
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect("notifications:centre")
    return redirect(notification.link)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read, and the rest of its burst (``also``: more of the person's own ids)."""
    also = [int(i) for i in request.POST.getlist("also") if i.isdigit()][:200]
    actions.mark_read(request.user, notification_ids=[_own(request, pk).pk, *also])
    return redirect(request.POST.get("next") or "notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.mark_read(request.user)
    return redirect("notifications:centre")


class PreferencesForm(forms.Form):
    """One choice per kind of event, and whether e-mails come as one daily digest."""

    daily_digest = forms.BooleanField(
        required=False, label=gettext_lazy("Gather my e-mails into one digest a day")
    )

    def __init__(self, *args: Any, initial_choices: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event, label in kinds.choices():
            self.fields[event] = forms.ChoiceField(
                label=label, choices=Delivery.choices, initial=initial_choices[event]
            )

    def choices(self) -> dict[str, str]:
        return {event: self.cleaned_data[event] for event in kinds.codes()}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST or None,
        initial={
            "daily_digest": DigestSubscription.objects.filter(person_id=request.user.pk).exists()
        },
        initial_choices=choices_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(
            request.user, choices=form.choices(), daily_digest=form.cleaned_data["daily_digest"]
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
