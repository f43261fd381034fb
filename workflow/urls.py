from django.urls import path

from workflow import downloads, views
from workflow.feeds import PublicationsFeed

app_name = "workflow"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/new/", views.statement_create, name="create"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/record/", views.statement_record, name="record"),
    *(
        path(f"statements/<int:pk>/{step.replace('_', '-')}/", views.act, {"step": step}, name=step)
        for step in views.STEPS
    ),
    path("published/", views.public_list, name="public_list"),
    path("published/feed/", PublicationsFeed(), name="public_feed"),
    path("published/<slug:slug>/", views.public_detail, name="public_detail"),
    *(
        path(
            f"statements/<int:pk>/revisions/<int:number>.{extension}",
            downloads.revision_export,
            {"extension": extension},
            name=f"revision_{extension}",
        )
        for extension in ("docx", "pdf")
    ),
    *(
        path(
            f"published/<slug:slug>/statement.{extension}",
            downloads.public_export,
            {"extension": extension},
            name=f"public_{name}",
        )
        for extension, name in (("docx", "docx"), ("pdf", "pdf"), ("md", "markdown"))
    ),
    path("verify/", views.verify, name="verify"),
]
