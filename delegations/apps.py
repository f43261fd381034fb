from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = "Delegations and people"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from audit import kinds
        from delegations import login, records

        kinds.register(*records.ACTIONS)

        user_logged_in.connect(login.on_logged_in, dispatch_uid="accord-second-factor-due")
        user_logged_out.connect(login.on_logged_out, dispatch_uid="accord-close-sockets")
        user_locked_out.connect(login.on_locked_out, dispatch_uid="accord-record-lockout")
