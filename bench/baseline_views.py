"""The baseline of the page benchmark: bare Django views over the same rows, nothing else.

Each reads what the product's page reads for a delegate (the same statements, found with a
plain ``EXISTS`` on the group permission table instead of guardian, and the same sections),
and renders it with a minimal template: titles and links, the text, the comments and the
signatures, no layout, no navigation, no live parts, no permission flags. Mounted only by
``bench.bench_urls``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines

from drafts.models import Comment, Statement, StatementGroupObjectPermission
from workflow.models import Signature

State = Statement.State

DASHBOARD = engines["django"].from_string(
    """<!doctype html><title>Dashboard</title>
{% for name, rows in sections %}<h2>{{ name }}</h2><ul>
{% for pk, title in rows %}<li><a href="/statements/{{ pk }}/">{{ title }}</a></li>
{% endfor %}</ul>{% endfor %}"""
)

STATEMENT = engines["django"].from_string(
    """<!doctype html><title>{{ statement.title }}</title><h1>{{ statement.title }}</h1>
<p>{{ statement.state }} · revision {{ revision.number }}</p>
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}<h2>Comments</h2><ul>
{% for comment in comments %}<li>{{ comment.author.full_name }}: {{ comment.body }}</li>
{% endfor %}</ul><h2>Signatures</h2><ul>
{% for signature in signatures %}<li>{{ signature.delegation.name }} {{ signature.status }}</li>
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
    sections = [
        (
            "pen",
            visible.filter(pen_holders=delegation, state__in=[State.DRAFT, State.CONSULTATION])
            .order_by("state", "-updated_at")
            .values_list("pk", "title"),
        ),
        (
            "consultation",
            visible.filter(state=State.CONSULTATION)
            .exclude(pen_holders=delegation)
            .order_by("consultation_deadline", "-updated_at")
            .values_list("pk", "title"),
        ),
        (
            "sign-on",
            visible.filter(state=State.SIGN_ON)
            .exclude(Exists(answered))
            .order_by("sign_on_deadline", "-updated_at")
            .values_list("pk", "title"),
        ),
    ]
    return HttpResponse(DASHBOARD.render({"sections": sections}, request))


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    found = visible_to(request).filter(pk=pk).first()
    if found is None:
        raise Http404("No such statement.")
    shown = found.frozen_revision or found.current_revision
    assert shown is not None
    context = {
        "statement": found,
        "revision": shown,
        "paragraphs": shown.text.split("\n\n"),
        "comments": Comment.objects.filter(statement=found)
        .select_related("author")
        .order_by("created_at"),
        "signatures": Signature.objects.filter(~Q(status=Signature.Status.VOID), statement=found)
        .select_related("delegation")
        .order_by("delegation__sort_key"),
    }
    return HttpResponse(STATEMENT.render(context, request))
