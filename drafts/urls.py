from django.urls import path

from drafts import views

app_name = "drafts"

urlpatterns = [
    path("statements/<int:pk>/edit/", views.edit, name="edit"),
    path("statements/<int:pk>/edit/merge/", views.merge_preview, name="merge_preview"),
    path("statements/<int:pk>/history/", views.history, name="history"),
    path("statements/<int:pk>/compare/", views.compare, name="compare"),
    path(
        "statements/<int:pk>/revisions/<int:number>.md",
        views.revision_markdown,
        name="revision_markdown",
    ),
    path("statements/<int:pk>/paragraphs/<str:key>/comment/", views.comment, name="comment"),
    path(
        "statements/<int:pk>/paragraphs/<str:key>/amend/",
        views.propose_amendment,
        name="propose_amendment",
    ),
    path("statements/<int:pk>/comments/<int:comment_id>/reply/", views.reply, name="reply"),
    path(
        "statements/<int:pk>/comments/<int:comment_id>/resolve/",
        views.resolve_comment,
        name="resolve_comment",
    ),
    path(
        "statements/<int:pk>/comments/<int:comment_id>/reopen/",
        views.reopen_comment,
        name="reopen_comment",
    ),
    path(
        "statements/<int:pk>/amendments/<int:amendment_id>/accept/",
        views.accept_amendment,
        name="accept_amendment",
    ),
    path(
        "statements/<int:pk>/amendments/<int:amendment_id>/reject/",
        views.reject_amendment,
        name="reject_amendment",
    ),
]
