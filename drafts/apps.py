from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "drafts"
    verbose_name = "Statements and revisions"

    def ready(self) -> None:
        from audit import kinds as audit_kinds
        from drafts import notices, records
        from notifications import kinds

        kinds.register(*notices.KINDS)
        audit_kinds.register(*records.ACTIONS)
