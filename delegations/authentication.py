"""The API's authentication by personal token.

Kept apart from the API's views: DRF imports authentication classes while it builds its own
views, so this module must not import them.
"""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from delegations import actions, selectors
from delegations.middleware import speak_to_token_owner
from delegations.models import ApiToken, User

# A secret is "acc_" and 43 URL-safe characters; anything far longer is not one of ours.
MAX_SECRET_LENGTH = 200


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``: a personal token made on the profile page.

    An unknown or revoked token, or one whose owner may no longer log in, is refused with 401.
    An accepted token's call is answered in its owner's saved language (else the one the
    request asks for) and time zone, as their session's pages are.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may authenticate the request
        if len(words) != 2:
            raise AuthenticationFailed("Send the header as “Authorization: Bearer <token>”.")
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError as undecodable:
            raise AuthenticationFailed("That is not an Accord API token.") from undecodable
        if len(secret) > MAX_SECRET_LENGTH:
            raise AuthenticationFailed("That is not an Accord API token.")
        token = selectors.api_token_by_secret(secret)
        if token is None:
            raise AuthenticationFailed("Unknown API token.")
        if token.is_revoked:
            raise AuthenticationFailed("This API token has been revoked.")
        if not token.user.is_active:
            raise AuthenticationFailed("This API token's owner can no longer log in.")
        actions.note_api_token_use(token)
        # PersonalLocaleMiddleware ran before anyone knew whose token this is: the answer
        # follows the owner's saved language and time zone, as a page would for their session.
        speak_to_token_owner(request._request, token.user)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
