from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "drafts"
    verbose_name = "Statements and revisions"

    def ready(self) -> None:
        from drafts import notices
        from notifications import kinds

        kinds.register(*notices.KINDS)
