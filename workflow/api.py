"""The API of statements and their life: lists, details, transitions, signatures, and the
public record of published statements.

Thin, like the pages: find the statement the caller may see (404 otherwise), parse the input
(400), call the same action the page calls (403 may see but not do, 409 the state refuses).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import kinds
from core.api import error_responses
from delegations import two_factor
from delegations.models import ApiToken, Body, Delegation
from drafts import actions as drafts_actions
from drafts import policy as drafts_policy
from drafts.api import DelegationRef, StrictSerializer
from drafts.forms import clean_statement_text
from drafts.models import REASON_MAX_LENGTH, Statement
from drafts.permissions import checker_for
from workflow import actions, permissions, selectors
from workflow.models import Signature

State = Statement.State


class BodyRef(serializers.Serializer[Body]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RevisionRef(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    content_hash = serializers.CharField(help_text="SHA-256 of the canonical text.")


class PartRef(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="`original` for the text put to sign-on.")
    content_hash = serializers.CharField(help_text="SHA-256 of the part's canonical text.")


class InstrumentRef(serializers.Serializer[Any]):
    content_hash = serializers.CharField(
        help_text="SHA-256 over the parts: `accord-instrument/1\\n` then one "
        '`<name>\\t<part hash>\\n` line per part (README, "The signed instrument").'
    )
    revision = serializers.IntegerField(source="revision.number", help_text="The original text.")
    parts = PartRef(many=True)


class StatementSummary(serializers.Serializer[Statement]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Statement.Kind.choices)
    state = serializers.ChoiceField(choices=State.choices)
    body = BodyRef()
    pen_holders = DelegationRef(many=True)
    min_signatures = serializers.IntegerField()
    signature_count = serializers.IntegerField(source="signed_count")
    consultation_deadline = serializers.DateTimeField(allow_null=True)
    sign_on_deadline = serializers.DateTimeField(allow_null=True)
    current_revision = RevisionRef(allow_null=True)
    frozen_revision = RevisionRef(
        source="instrument_revision",
        allow_null=True,
        help_text="The revision put to sign-on, and signed: the instrument's original text.",
    )
    instrument = InstrumentRef(
        allow_null=True, help_text="What is put to sign-on, and what a signature commits to."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    slug = serializers.CharField(allow_null=True, help_text="The public address, once published.")


class StatementDetail(StatementSummary):
    advisers_invited = serializers.BooleanField()
    withdrawal_reason = serializers.CharField()
    accepts_late_signatures = serializers.BooleanField()
    available_actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the caller may do now: transitions (`open_consultation`, "
        "`open_sign_on`, `return_to_drafting`, `withdraw`, `publish`, late signatures), "
        "`edit`, sign-on answers (`sign_on`, `decline`, `withdraw_signature`), and in the "
        "discussion `comment`, `propose_amendment`, `decide_amendments`.",
    )


def _detail(request: Request, statement: Statement, checker: Any) -> dict[str, Any]:
    """The statement as its page shows it to the caller, with what they may do now."""
    user = request.user
    signatures = selectors.signatures_of(statement)
    delegation_id = getattr(user, "delegation_id", None)
    response = next((s for s in signatures if s.delegation_id == delegation_id), None)
    offered = selectors.available_actions(user, statement, response, checker)
    offered |= drafts_policy.offers(user, statement, checker)
    statement.signed_count = sum(  # type: ignore[attr-defined]
        1 for s in signatures if s.status == Signature.Status.SIGNED
    )
    statement.available_actions = sorted(offered)  # type: ignore[attr-defined]
    return dict(StatementDetail(statement).data)


# --- statements -----------------------------------------------------------------------------


class StatementFilter(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    kind = serializers.ChoiceField(choices=Statement.Kind.choices, required=False)
    body = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="A body's id."
    )


class StatementInput(StrictSerializer):
    title = serializers.CharField(
        max_length=300, error_messages={"blank": "Give the statement a title."}
    )
    kind = serializers.ChoiceField(
        choices=Statement.Kind.choices, default=Statement.Kind.JOINT_STATEMENT
    )
    body = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(), help_text="The id of the body that steers it."
    )
    pen_holders = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Delegation.objects.filter(is_member=True),
        many=True,
        default=list,  # left out: only the author's own delegation holds the pen
        help_text='Member delegations\' codes, e.g. ["CA", "NL"]. Your own delegation '
        "always holds the pen on statements it starts.",
    )
    min_signatures = serializers.IntegerField(min_value=1, max_value=500, default=1)
    text = serializers.CharField(
        trim_whitespace=False,
        error_messages={"blank": "The text cannot be empty."},
        help_text="Markdown.",
    )

    def validate_text(self, text: str) -> str:
        return _checked_text(text)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        actor = self.context["actor"]
        if actor.delegation_id is None and not data.get("pen_holders"):
            raise serializers.ValidationError(
                {"pen_holders": ["Choose at least one pen-holding delegation."]}
            )
        return data


def _checked_text(text: str) -> str:
    try:
        return clean_statement_text(text)
    except Exception as invalid:  # django.forms.ValidationError: its messages, as they are
        raise serializers.ValidationError(getattr(invalid, "messages", [str(invalid)])) from invalid


class DetailsInput(StrictSerializer):
    title = serializers.CharField(max_length=300, required=False)
    min_signatures = serializers.IntegerField(min_value=1, max_value=500, required=False)


class StatementList(GenericAPIView[Statement]):
    serializer_class = StatementSummary

    def get_queryset(self) -> QuerySet[Statement]:
        return selectors.statements_listed_for(self.request.user)

    @extend_schema(
        operation_id="statements_list",
        summary="The statements you may see, most recently changed first",
        parameters=[StatementFilter],
        responses={200: StatementSummary(many=True), **error_responses(400, 401)},
        tags=["statements"],
    )
    def get(self, request: Request) -> Response:
        wanted = StatementFilter(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        statements = selectors.statements_listed_for(
            request.user,
            state=wanted.validated_data.get("state", ""),
            body=wanted.validated_data.get("body"),
            kind=wanted.validated_data.get("kind", ""),
        )
        page = self.paginate_queryset(statements)
        return self.get_paginated_response(StatementSummary(page, many=True).data)

    @extend_schema(
        operation_id="statements_create",
        summary="Start a statement, in draft",
        request=StatementInput,
        responses={201: StatementDetail, **error_responses(400, 401, 403)},
        tags=["statements"],
    )
    def post(self, request: Request) -> Response:
        if not permissions.can_create_statement(request.user):
            raise PermissionDenied(
                "Only delegates of member delegations, chairs and coordinators may start a "
                "statement."
            )
        given = StatementInput(data=request.data, context={"actor": request.user})
        given.is_valid(raise_exception=True)
        statement = actions.create_statement(request.user, **given.validated_data)
        checker = checker_for(request.user)
        shown = selectors.statement_for(request.user, statement.pk, checker)
        return Response(_detail(request, shown, checker), status=201)


class StatementView(APIView):
    @extend_schema(
        operation_id="statements_retrieve",
        summary="A statement, with what you may do with it now",
        responses={200: StatementDetail, **error_responses(401, 404)},
        tags=["statements"],
    )
    def get(self, request: Request, pk: int) -> Response:
        checker = checker_for(request.user)
        statement = selectors.statement_for(request.user, pk, checker)
        return Response(_detail(request, statement, checker))

    @extend_schema(
        operation_id="statements_partial_update",
        summary="Change the title or the minimum signatures (coordinators, while the state "
        "allows it)",
        request=DetailsInput,
        responses={200: StatementDetail, **error_responses(400, 401, 403, 404, 409)},
        tags=["statements"],
    )
    def patch(self, request: Request, pk: int) -> Response:
        statement = selectors.statement_for(request.user, pk)
        given = DetailsInput(data=request.data)
        given.is_valid(raise_exception=True)
        drafts_actions.change_details(
            request.user,
            statement,
            title=given.validated_data.get("title", statement.title),
            min_signatures=given.validated_data.get("min_signatures", statement.min_signatures),
        )
        checker = checker_for(request.user)
        return Response(
            _detail(request, selectors.statement_for(request.user, pk, checker), checker)
        )


# --- transitions ----------------------------------------------------------------------------


def _future(moment: Any) -> Any:
    if moment is not None and moment <= timezone.now():
        raise serializers.ValidationError("The deadline must be in the future.")
    return moment


class NoInput(StrictSerializer):
    pass


class OpenConsultationInput(StrictSerializer):
    deadline = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When consultation closes."
    )
    advisers_invited = serializers.BooleanField(
        required=False, default=False, help_text="Invite the advisory network to read and comment."
    )

    def validate_deadline(self, deadline: Any) -> Any:
        return _future(deadline)


class OpenSignOnInput(StrictSerializer):
    deadline = serializers.DateTimeField(help_text="When sign-on closes.")

    def validate_deadline(self, deadline: Any) -> Any:
        return _future(deadline)


class WithdrawInput(StrictSerializer):
    reason = serializers.CharField(
        max_length=2000, error_messages={"blank": "Give the reason for withdrawing."}
    )


class TransitionView(APIView):
    """Runs one workflow action on the statement, as the statement page's button does."""

    step: ClassVar[str]
    input: ClassVar[type[serializers.Serializer[Any]]] = NoInput

    def post(self, request: Request, pk: int) -> Response:
        statement = selectors.statement_for(request.user, pk)
        given = self.input(data=request.data if request.data else {})
        given.is_valid(raise_exception=True)
        getattr(actions, self.step)(request.user, statement, **given.validated_data)
        checker = checker_for(request.user)
        return Response(
            _detail(request, selectors.statement_for(request.user, pk, checker), checker)
        )


def _transition(
    step: str, input: type[serializers.Serializer[Any]], summary: str
) -> type[TransitionView]:
    """The view of one step, with its own input and its own entry in the schema."""

    @extend_schema(
        operation_id=f"statements_{step}",
        summary=summary,
        request=input,
        responses={200: StatementDetail, **error_responses(400, 401, 403, 404, 409)},
        tags=["transitions"],
    )
    def post(self: TransitionView, request: Request, pk: int) -> Response:
        return TransitionView.post(self, request, pk)

    name = f"{step.title().replace('_', '')}View"
    return type(name, (TransitionView,), {"step": step, "input": input, "post": post})


TRANSITIONS: dict[str, type[TransitionView]] = {
    "open_consultation": _transition(
        "open_consultation", OpenConsultationInput, "Open consultation (chairs of the body)"
    ),
    "open_sign_on": _transition(
        "open_sign_on",
        OpenSignOnInput,
        "Freeze the text and open sign-on (chairs; from consultation, or from drafting for a "
        "rapid response)",
    ),
    "return_to_drafting": _transition(
        "return_to_drafting", NoInput, "Return to drafting; signatures become void (chairs)"
    ),
    "withdraw": _transition(
        "withdraw", WithdrawInput, "Withdraw the statement, with a reason (chairs, coordinators)"
    ),
    "publish": _transition(
        "publish", NoInput, "Publish once the minimum signatures are in (coordinators)"
    ),
    "open_late_signatures": _transition(
        "open_late_signatures", NoInput, "Let a published statement take late signatures (chairs)"
    ),
    "close_late_signatures": _transition(
        "close_late_signatures", NoInput, "Stop taking late signatures (chairs)"
    ),
}


class HistoryEntry(serializers.Serializer[Any]):
    action = serializers.CharField(help_text="E.g. `workflow.open_sign_on`.")
    description = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor_name")
    actor_delegation = serializers.CharField()
    created_at = serializers.DateTimeField()
    note = serializers.CharField()

    def get_description(self, entry: Any) -> str:
        return kinds.describe(entry)


class HistoryView(APIView):
    @extend_schema(
        operation_id="statements_transitions",
        summary="The record of the statement's life, oldest first",
        responses={200: HistoryEntry(many=True), **error_responses(401, 404)},
        tags=["transitions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        statement = selectors.statement_for(request.user, pk)
        return Response(HistoryEntry(selectors.transitions_of(statement), many=True).data)


# --- signatures -----------------------------------------------------------------------------


class SignatureSerializer(serializers.Serializer[Signature]):
    delegation = DelegationRef()
    status = serializers.ChoiceField(choices=Signature.Status.choices)
    given_by = serializers.CharField(source="given_by.full_name")
    given_at = serializers.DateTimeField()
    changed_at = serializers.DateTimeField()
    revision = serializers.IntegerField(source="instrument.revision.number")
    content_hash = serializers.CharField(help_text="SHA-256 of the text signed.")
    instrument_hash = serializers.CharField(
        source="instrument.content_hash", help_text="SHA-256 of the instrument signed."
    )


SIGN_ON_ANSWERS = ["sign_on", "decline", "withdraw_signature"]


class AnswerInput(StrictSerializer):
    action = serializers.ChoiceField(
        choices=SIGN_ON_ANSWERS,
        help_text="Sign the frozen text, decline, or withdraw the signature, for your delegation.",
    )
    code = serializers.CharField(
        required=False,
        max_length=32,
        help_text=(
            "For `sign_on` by someone with two-factor authentication: a current code of their "
            "authenticator app (or a recovery code). Always needed with an API token; with a "
            "session, when its last code is older than the installation's limit (else 403 "
            "`second_factor_required`; a wrong code: 403 `second_factor_invalid`)."
        ),
    )


def _proof_for_signature(request: Request, code: str) -> two_factor.Proof:
    """What the request proves of its sender's second factor, for ``sign_on`` to weigh.

    By session: a ``code`` sent now, else the session's last check (so a session whose last
    code is too old sends a current one). By API token: only a ``code`` sent now (a token is a
    long-lived secret kept by a program; on its own it must not commit a state). A wrong code
    is 403 ``second_factor_invalid``; nothing else changes.
    """
    try:
        if isinstance(request.auth, ApiToken):
            if two_factor.normalise_code(code):
                return two_factor.proof_from_code(request.user, code)
            return two_factor.proof_without_code(request.user)
        return two_factor.proof_from_session(request._request, code)
    except two_factor.WrongCode as wrong:
        raise exceptions.PermissionDenied(
            _("That two-factor code did not work, so nothing was signed."),
            code="second_factor_invalid",
        ) from wrong


class RemovalInput(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class SignatureList(APIView):
    @extend_schema(
        operation_id="signatures_list",
        summary="The delegations' answers to the sign-on, in collation order",
        responses={200: SignatureSerializer(many=True), **error_responses(401, 404)},
        tags=["signatures"],
    )
    def get(self, request: Request, pk: int) -> Response:
        statement = selectors.statement_for(request.user, pk)
        signatures = selectors.signatures_of(statement, with_revisions=True)
        return Response(SignatureSerializer(signatures, many=True).data)

    @extend_schema(
        operation_id="signatures_answer",
        summary="Sign on, decline, or withdraw the signature, for your delegation (signatories)",
        request=AnswerInput,
        responses={200: SignatureSerializer, **error_responses(400, 401, 403, 404, 409)},
        tags=["signatures"],
    )
    def post(self, request: Request, pk: int) -> Response:
        statement = selectors.statement_for(request.user, pk)
        given = AnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        answer = given.validated_data["action"]
        more: dict[str, Any] = {}
        if answer == "sign_on":
            more["proof"] = _proof_for_signature(request, given.validated_data.get("code", ""))
        signature = getattr(actions, answer)(request.user, statement, **more)
        return Response(SignatureSerializer(signature).data)


class RemoveSignatureView(APIView):
    @extend_schema(
        operation_id="signatures_remove",
        summary="Take a delegation's signature off a published statement (coordinators)",
        request=RemovalInput,
        responses={200: SignatureSerializer, **error_responses(400, 401, 403, 404, 409)},
        tags=["signatures"],
    )
    def post(self, request: Request, pk: int, code: str) -> Response:
        statement = selectors.statement_for(request.user, pk)
        delegation = Delegation.objects.filter(code=code.upper()).first()
        if delegation is None:
            raise Http404("No delegation has that code.")
        given = RemovalInput(data=request.data)
        given.is_valid(raise_exception=True)
        signature = actions.remove_signature(
            request.user, statement, delegation, reason=given.validated_data["reason"]
        )
        return Response(SignatureSerializer(signature).data)


# --- the public record ----------------------------------------------------------------------


class Signatory(serializers.Serializer[Signature]):
    code = serializers.CharField(source="delegation.code")
    name = serializers.CharField(source="delegation.name")


class Downloads(serializers.Serializer[Any]):
    page = serializers.CharField(help_text="The public page.")
    markdown = serializers.CharField()
    docx = serializers.CharField()
    pdf = serializers.CharField()


class PublishedSummary(serializers.Serializer[Statement]):
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Statement.Kind.choices)
    body = serializers.CharField(source="body.name")
    published_at = serializers.DateTimeField()
    revision = serializers.IntegerField(source="instrument.revision.number")
    content_hash = serializers.CharField(
        source="instrument.revision.content_hash",
        help_text="SHA-256 of the signed canonical text.",
    )
    instrument_hash = serializers.CharField(
        source="instrument.content_hash", help_text="SHA-256 of the instrument signed."
    )
    signatories = Signatory(many=True, source="signed", help_text="In the coalition's order.")


class PublishedDetail(PublishedSummary):
    text = serializers.CharField(source="instrument.revision.text", help_text="Markdown.")
    downloads = serializers.SerializerMethodField()

    @extend_schema_field(Downloads)
    def get_downloads(self, statement: Statement) -> dict[str, str]:
        request = self.context["request"]
        return {
            "page": request.build_absolute_uri(
                reverse("workflow:public_detail", args=[statement.slug])
            ),
            **{
                kind: request.build_absolute_uri(
                    reverse(f"workflow:public_{kind}", args=[statement.slug])
                )
                for kind in ("markdown", "docx", "pdf")
            },
        }


class PublicFilter(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the title or the text."
    )
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)
    body = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="A body's id."
    )
    kind = serializers.ChoiceField(choices=Statement.Kind.choices, required=False)


class PublicList(GenericAPIView[Statement]):
    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]
    serializer_class = PublishedSummary

    def get_queryset(self) -> QuerySet[Statement]:
        return selectors.published_statements()

    @extend_schema(
        operation_id="public_statements_list",
        summary="Published statements, newest first (no login needed)",
        parameters=[PublicFilter],
        responses={200: PublishedSummary(many=True), **error_responses(400, 404)},
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        wanted = PublicFilter(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        body_id = wanted.validated_data.get("body")
        body = Body.objects.filter(pk=body_id).first() if body_id else None
        statements = selectors.search_published(
            text=wanted.validated_data.get("q", ""),
            year=wanted.validated_data.get("year"),
            body=body,
            kind=wanted.validated_data.get("kind", ""),
        )
        if body_id and body is None:
            statements = statements.none()  # no such body: nothing it published
        page = self.paginate_queryset(statements)
        return self.get_paginated_response(PublishedSummary(page, many=True).data)


class PublicDetail(APIView):
    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    @extend_schema(
        operation_id="public_statements_retrieve",
        summary="A published statement: its signed text, hash and signatories",
        responses={200: PublishedDetail, **error_responses(404)},
        tags=["public"],
    )
    def get(self, request: Request, slug: str) -> Response:
        statement = selectors.published_statement(slug)
        return Response(PublishedDetail(statement, context={"request": request}).data)
