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
]
