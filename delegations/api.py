"""``/api/me/``: who the caller is; and how the schema names the personal token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from delegations.models import User


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "delegations.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "acc_…",
            "description": "A personal API token, made and revoked on your profile page.",
        }


class DelegationSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class BodySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    delegation = DelegationSerializer(allow_null=True)
    chaired_bodies = BodySerializer(many=True)


class MeView(APIView):
    @extend_schema(
        operation_id="me",
        summary="Who you are",
        responses={200: MeSerializer, **error_responses(401, 403)},
        tags=["people"],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "full_name": user.full_name,
                    "role": user.role,
                    "delegation": user.delegation,
                    "chaired_bodies": list(user.chaired_bodies.order_by("name")),
                }
            ).data
        )
