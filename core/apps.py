from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and the project's wiring builds on: the refusals an action raises
    (``core.errors``), one shape for every API error (``core.api``), and one wording of a
    moment (``core.moments``). It imports no other app of Accord."""

    name = "core"
    verbose_name = "Accord's shared foundations"
