"""What an action raises when the request is sound but the statement's state refuses it (409)."""


class Conflict(Exception):
    """The request cannot be carried out in the statement's current state; nothing was changed.

    The message is shown to the person as it is, so it says what happened and what to do.
    """

    code = "conflict"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditingClosed(Conflict):
    code = "editing_closed"


class StaleEdit(Conflict):
    """Someone saved a newer revision since this edit began."""

    code = "stale_edit"
