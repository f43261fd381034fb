"""What the administration of people, delegations and bodies records on the audit record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.kinds import Action

ACTIONS = [
    Action("delegations.create_delegation", _("Added a delegation")),
    Action("delegations.update_delegation", _("Changed a delegation")),
    Action("delegations.create_body", _("Added a body")),
    Action("delegations.set_chairs", _("Set a body's chairs")),
    Action("delegations.add_person", _("Added a person")),
    Action("delegations.change_person", _("Changed a person")),
    Action("delegations.set_language_and_time_zone", _("Set their language and time zone")),
    Action("delegations.create_api_token", _("Created an API token")),
    Action("delegations.revoke_api_token", _("Revoked an API token")),
    Action("delegations.enable_two_factor", _("Turned on two-factor authentication")),
    Action("delegations.disable_two_factor", _("Turned off two-factor authentication")),
    Action("delegations.reset_two_factor", _("Reset someone's two-factor authentication")),
    Action("delegations.regenerate_recovery_codes", _("Made new recovery codes")),
    Action("delegations.use_recovery_code", _("Used a recovery code")),
    Action("delegations.login_locked_out", _("Login locked out after failed attempts")),
]
