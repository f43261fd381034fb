"""The baseline of the page benchmark: bare Django views over the same rows, nothing else.

Each reads the rows the product's page shows a delegate (the same statements, found with a
plain ``EXISTS`` on the group permission table instead of guardian; the same dashboard
sections and their first rows; on a statement page its paragraphs, comments, amendments,
signatures and history) and renders them with a minimal template: titles and links, the text
and the lists, no layout, no navigation, no live parts, no permission flags, no forms.
Mounted only by ``bench.bench_urls``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines

from audit.models import AuditEntry
from drafts.models import (
    Amendment,
    Comment,
    RevisionParagraph,
    Statement,
    StatementGroupObjectPermission,
)
from workflow.models import Signature
from workflow.selectors import DASHBOARD_ROWS

State = Statement.State

DASHBOARD = engines["django"].from_string(
    """<!doctype html><title>Dashboard</title>
{% for name, rows in sections %}<h2>{{ name }} ({{ rows.0.2 }})</h2><ul>
{% for pk, title, total in rows %}<li><a href="/statements/{{ pk }}/">{{ title }}</a></li>
{% endfor %}</ul>{% endfor %}"""
)

STATEMENT = engines["django"].from_string(
    """<!doctype html><title>{{ statement.title }}</title><h1>{{ statement.title }}</h1>
<p>{{ statement.state }} · {{ statement.body.name }} · revision {{ revision.number }} · pen:
{% for holder in statement.pen_holders.all %}{{ holder.name }} {% endfor %}</p>
{% for row in paragraphs %}<p id="{{ row.paragraph.key }}">{{ row.text }}</p>
{% endfor %}<h2>Comments</h2><ul>
{% for comment in comments %}<li>{{ comment.author.full_name }}: {{ comment.body }}</li>
{% endfor %}</ul><h2>Amendments</h2><ul>
{% for amendment in amendments %}<li>{{ amendment.delegation.name }}: {{ amendment.text }}</li>
{% endfor %}</ul><h2>Signatures</h2><ul>
{% for signature in signatures %}<li>{{ signature.delegation.name }} {{ signature.status }}</li>
{% endfor %}</ul><h2>History</h2><ul>
{% for entry in history %}<li>{{ entry.created_at }} {{ entry.actor_name }} {{ entry.action }}</li>
{% endfor %}</ul>"""
)


def visible_to(request: HttpRequest) -> QuerySet[Statement]:
    """Statements one of the person's groups holds ``view_statement`` on: a plain EXISTS."""
    view = Permission.objects.get(codename="view_statement", content_type__app_label="drafts")
    groups = request.user.groups.all()
    granted = StatementGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), permission=view, group__in=groups
    )
    return Statement.objects.filter(Exists(granted))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    delegation: int = getattr(request.user, "delegation_id", None) or 0
    visible = visible_to(request)
    answered = Signature.objects.filter(
        ~Q(status=Signature.Status.VOID), statement=OuterRef("pk"), delegation_id=delegation
    )
    queries = [
        (
            "pen",
            visible.filter(
                pen_holders=delegation, state__in=[State.DRAFT, State.CONSULTATION]
            ).order_by("state", "-updated_at"),
        ),
        (
            "consultation",
            visible.filter(state=State.CONSULTATION)
            .exclude(pen_holders=delegation)
            .order_by("consultation_deadline", "-updated_at"),
        ),
        (
            "sign-on",
            visible.filter(state=State.SIGN_ON)
            .exclude(Exists(answered))
            .order_by("sign_on_deadline", "-updated_at"),
        ),
    ]
    # The same first rows the dashboard shows, each with the section's total.
    sections = [
        (name, rows.values_list("pk", "title", Window(Count("pk")))[:DASHBOARD_ROWS])
        for name, rows in queries
    ]
    return HttpResponse(DASHBOARD.render({"sections": sections}, request))


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows the statement page shows: the statement with its body and pen-holders, the
    shown revision paragraph by paragraph, the comments, the amendments, the signatures and the
    history, each read plainly."""
    found = (
        visible_to(request)
        .select_related("body", "current_revision", "instrument__revision")
        .prefetch_related("pen_holders")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such statement.")
    shown = found.instrument_revision or found.current_revision
    assert shown is not None
    context = {
        "statement": found,
        "revision": shown,
        "paragraphs": RevisionParagraph.objects.filter(revision=shown)
        .select_related("paragraph")
        .order_by("position"),
        "comments": Comment.objects.filter(statement=found)
        .select_related("author")
        .order_by("created_at"),
        "amendments": Amendment.objects.filter(statement=found)
        .select_related("delegation")
        .order_by("created_at"),
        "signatures": Signature.objects.filter(~Q(status=Signature.Status.VOID), statement=found)
        .select_related("delegation")
        .order_by("delegation__sort_key"),
        "history": AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Statement), target_id=str(found.pk)
        ).order_by("created_at", "id"),
    }
    return HttpResponse(STATEMENT.render(context, request))
