"""The JSON API, mounted at /api/: its schema, its documentation, and every endpoint."""

from django.urls import path
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView

from core.api import docs
from delegations.api import MeView
from drafts import api as drafts_api
from workflow import api as workflow_api

app_name = "api"

STATEMENT = "statements/<int:pk>"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", require_GET(docs), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("statements/", workflow_api.StatementList.as_view(), name="statements"),
    path(f"{STATEMENT}/", workflow_api.StatementView.as_view(), name="statement"),
    path(f"{STATEMENT}/revisions/", drafts_api.RevisionList.as_view(), name="revisions"),
    path(
        f"{STATEMENT}/revisions/<int:number>/",
        drafts_api.RevisionDetailView.as_view(),
        name="revision",
    ),
    path(f"{STATEMENT}/diff/", drafts_api.DiffView.as_view(), name="diff"),
    path(f"{STATEMENT}/comments/", drafts_api.CommentList.as_view(), name="comments"),
    path(
        f"{STATEMENT}/comments/<int:comment_id>/replies/",
        drafts_api.ReplyView.as_view(),
        name="reply",
    ),
    path(
        f"{STATEMENT}/comments/<int:comment_id>/resolve/",
        drafts_api.ResolveView.as_view(),
        name="resolve_comment",
    ),
    path(
        f"{STATEMENT}/comments/<int:comment_id>/reopen/",
        drafts_api.ReopenView.as_view(),
        name="reopen_comment",
    ),
    path(f"{STATEMENT}/amendments/", drafts_api.AmendmentList.as_view(), name="amendments"),
    path(
        f"{STATEMENT}/amendments/<int:amendment_id>/accept/",
        drafts_api.AcceptView.as_view(),
        name="accept_amendment",
    ),
    path(
        f"{STATEMENT}/amendments/<int:amendment_id>/reject/",
        drafts_api.RejectView.as_view(),
        name="reject_amendment",
    ),
    path(f"{STATEMENT}/transitions/", workflow_api.HistoryView.as_view(), name="transitions"),
    *(
        path(f"{STATEMENT}/transitions/{step}/", view.as_view(), name=step)
        for step, view in workflow_api.TRANSITIONS.items()
    ),
    path(f"{STATEMENT}/signatures/", workflow_api.SignatureList.as_view(), name="signatures"),
    path(
        f"{STATEMENT}/signatures/<str:code>/remove/",
        workflow_api.RemoveSignatureView.as_view(),
        name="remove_signature",
    ),
    path("public/statements/", workflow_api.PublicList.as_view(), name="public_statements"),
    path(
        "public/statements/<slug:slug>/",
        workflow_api.PublicDetail.as_view(),
        name="public_statement",
    ),
]
