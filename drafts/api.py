"""The API of a statement's text and what is said about it: revisions, diffs, comments and
amendments.

Thin, like the pages: each view finds the statement the caller may see (404 otherwise),
parses the input with a serializer (400), and calls the same action the page calls, which
answers 403 or 409 the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Error, error_responses
from drafts import actions, diff, permissions, selectors
from drafts.errors import EditingClosed
from drafts.forms import clean_statement_text
from drafts.models import (
    COMMENT_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Amendment,
    Comment,
    Paragraph,
    Revision,
    Statement,
)

NUMBER = {"min_value": 1, "max_value": 999_999_999}


class Passage(serializers.Serializer[Any]):
    base = serializers.CharField()
    theirs = serializers.CharField()
    mine = serializers.CharField()


class MergeConflictError(Error):
    """A 409 of a save. With code ``merge_conflict`` nothing was saved, and it carries what
    settles it: ``proposal`` merges both edits, with the sender's wording where they collide;
    send it again (amended) with ``base`` = ``current``. Other codes carry only the message."""

    base = serializers.IntegerField(required=False)
    current = serializers.IntegerField(required=False)
    newer = serializers.ListField(child=serializers.IntegerField(), required=False)
    conflicts = Passage(many=True, required=False)
    proposal = serializers.CharField(required=False)


class StrictSerializer(serializers.Serializer[Any]):
    """Input that refuses fields it does not know (400), so that ``state``, ``author`` or a
    hash sent along is never silently taken for something it is not."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}
                )
        return super().to_internal_value(data)


class NoBody(StrictSerializer):
    """For actions that take no input: anything sent is refused rather than ignored."""


def person(user: Any) -> str:
    return user.full_name if user is not None else ""


class DelegationRef(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


# --- revisions --------------------------------------------------------------------------------


class RevisionSummary(serializers.Serializer[Revision]):
    number = serializers.IntegerField()
    content_hash = serializers.CharField(help_text="SHA-256 of the canonical text.")
    author = serializers.CharField(source="author.full_name")
    delegation = DelegationRef(allow_null=True)
    statement_state = serializers.CharField(help_text="The statement's state when it was saved.")
    parent = serializers.IntegerField(source="parent.number", allow_null=True)
    started_from = serializers.IntegerField(
        source="started_from.number",
        allow_null=True,
        help_text="The revision its author began from; differs from `parent` for a merge.",
    )
    co_authors = serializers.SerializerMethodField()
    amendment = serializers.IntegerField(
        source="amendment_id",
        allow_null=True,
        help_text="The accepted amendment that made it, if any.",
    )
    created_at = serializers.DateTimeField()
    merged = serializers.BooleanField(
        source="is_merge",
        help_text="Its author's edit was merged with revisions saved after they began it.",
    )
    merge_comparison = serializers.SerializerMethodField(
        help_text="For a merge: the page comparing the newer text it was merged into with the "
        "result, to see what the merge made of the author's edit."
    )

    def get_co_authors(self, revision: Revision) -> list[str]:
        return [person(author) for author in revision.co_authors.all()]

    def get_merge_comparison(self, revision: Revision) -> str | None:
        return selectors.merge_comparison(revision)


class RevisionDetail(RevisionSummary):
    text = serializers.CharField(help_text="Markdown, in canonical form.")


class RevisionInput(StrictSerializer):
    text = serializers.CharField(
        trim_whitespace=False, error_messages={"blank": "The text cannot be empty."}
    )
    base = serializers.IntegerField(
        help_text="The number of the revision the edit began from. If newer revisions were "
        "saved since, the edits are merged; 409 `merge_conflict` if they changed the same words.",
        **NUMBER,
    )

    def validate_text(self, text: str) -> str:
        try:
            return clean_statement_text(text)
        except Exception as invalid:  # django.forms.ValidationError: its messages, as they are
            messages = getattr(invalid, "messages", [str(invalid)])
            raise serializers.ValidationError(messages) from invalid


def _statement(request: Request, pk: int) -> tuple[Statement, Any]:
    checker = permissions.checker_for(request.user)
    return selectors.statement_for(request.user, pk, checker), checker


def _revision(statement: Statement, number: int, what: str) -> Revision:
    revision = selectors.revisions_numbered(statement, [number]).get(number)
    if revision is None:
        raise serializers.ValidationError({what: [f"This statement has no revision {number}."]})
    return revision


class RevisionList(APIView):
    @extend_schema(
        operation_id="revisions_list",
        summary="The statement's revisions, newest first",
        responses={200: RevisionSummary(many=True), **error_responses(401, 404)},
        tags=["revisions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        statement, _ = _statement(request, pk)
        return Response(RevisionSummary(selectors.revision_history(statement), many=True).data)

    @extend_schema(
        operation_id="revisions_create",
        summary="Save the next revision of the text (pen-holders, in drafting and consultation)",
        request=RevisionInput,
        responses={
            201: RevisionDetail,
            200: RevisionDetail,
            409: MergeConflictError,
            **error_responses(400, 401, 403, 404),
        },
        tags=["revisions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """201 with the new revision; 200 with the current one if the text changes nothing."""
        statement, checker = _statement(request, pk)
        if not permissions.can_edit(request.user, statement, checker):
            raise PermissionDenied(
                "Only delegates of the pen-holding delegations may edit this text."
            )
        if not statement.is_open_for_editing:
            raise EditingClosed(
                f"This statement is in {statement.get_state_display().lower()}; its text can no "
                "longer be edited."
            )
        given = RevisionInput(data=request.data)
        given.is_valid(raise_exception=True)
        current = statement.current_revision
        base = _revision(statement, given.validated_data["base"], "base")
        revision = actions.save_revision(
            request.user, statement, text=given.validated_data["text"], base=base
        )
        created = revision.pk not in (base.pk, current.pk if current else None)
        shown = selectors.revisions_numbered(statement, [revision.number])[revision.number]
        return Response(RevisionDetail(shown).data, status=201 if created else 200)


class RevisionDetailView(APIView):
    @extend_schema(
        operation_id="revisions_retrieve",
        summary="One revision, with its text",
        responses={200: RevisionDetail, **error_responses(401, 404)},
        tags=["revisions"],
    )
    def get(self, request: Request, pk: int, number: int) -> Response:
        statement, _ = _statement(request, pk)
        found = [r for r in selectors.revision_history(statement) if r.number == number]
        if not found:
            raise Http404("This statement has no such revision.")
        revision = found[0]
        return Response(RevisionDetail(revision).data)


# --- diff ---------------------------------------------------------------------------------


class DiffQuery(serializers.Serializer[Any]):
    from_ = serializers.IntegerField(
        help_text="The older revision's number.",
        error_messages={"required": "Choose a revision to compare from (the “from” parameter)."},
        **NUMBER,
    )
    to = serializers.IntegerField(
        help_text="The newer revision's number.",
        error_messages={"required": "Choose a revision to compare to (the “to” parameter)."},
        **NUMBER,
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class Segment(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField(trim_whitespace=False)


class ParagraphChange(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=["equal", "changed", "inserted", "deleted", "moved_away", "moved_here"]
    )
    old_number = serializers.IntegerField(allow_null=True)
    new_number = serializers.IntegerField(allow_null=True)
    moved_number = serializers.IntegerField(
        allow_null=True, help_text="Where a moved paragraph went, or came from."
    )
    segments = Segment(many=True)


class Comparison(serializers.Serializer[Any]):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    identical = serializers.BooleanField()
    words_inserted = serializers.IntegerField()
    words_deleted = serializers.IntegerField()
    paragraphs_moved = serializers.IntegerField()
    paragraphs = ParagraphChange(many=True)


class DiffView(APIView):
    @extend_schema(
        operation_id="revisions_diff",
        summary="Compare two revisions, paragraph by paragraph and word by word",
        parameters=[
            OpenApiParameter("from", int, required=True, description="The older revision."),
            OpenApiParameter("to", int, required=True, description="The newer revision."),
        ],
        responses={200: Comparison, **error_responses(400, 401, 404)},
        tags=["revisions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        statement, _ = _statement(request, pk)
        query = DiffQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        numbers = [query.validated_data["from"], query.validated_data["to"]]
        found = selectors.revisions_numbered(statement, numbers)
        missing = sorted({n for n in numbers if n not in found})
        if missing:
            latest = statement.current_revision.number if statement.current_revision else 0
            raise serializers.ValidationError(
                f"This statement has no revision {' or '.join(map(str, missing))}; its "
                f"revisions are numbered 1 to {latest}."
            )
        old, new = found[numbers[0]], found[numbers[1]]
        comparison = diff.compare(old.text, new.text)
        return Response(
            Comparison(
                {
                    "from_revision": old.number,
                    "to_revision": new.number,
                    "identical": comparison.identical,
                    "words_inserted": comparison.words_inserted,
                    "words_deleted": comparison.words_deleted,
                    "paragraphs_moved": comparison.paragraphs_moved,
                    "paragraphs": comparison.paragraphs,
                }
            ).data
        )


# --- comments -----------------------------------------------------------------------------


class Reply(serializers.Serializer[Comment]):
    id = serializers.IntegerField()
    body = serializers.CharField(trim_whitespace=False)
    author = serializers.CharField(source="author.full_name")
    delegation = DelegationRef(allow_null=True, help_text="None for the advisory network.")
    revision = serializers.IntegerField(source="revision.number")
    created_at = serializers.DateTimeField()


class Thread(Reply):
    paragraph = serializers.CharField(source="paragraph.key", help_text='E.g. "p-7f3a9c".')
    wording = serializers.CharField(
        trim_whitespace=False, help_text="The paragraph as its author read it."
    )
    quote = serializers.CharField(trim_whitespace=False)
    resolved = serializers.BooleanField(source="is_resolved")
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(source="resolved_by.full_name", allow_null=True)
    replies = Reply(many=True, source="thread_replies")


class CommentInput(StrictSerializer):
    paragraph = serializers.CharField(max_length=16, help_text="The paragraph's key.")
    body = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, error_messages={"blank": "Write the comment."}
    )
    quote = serializers.CharField(
        max_length=QUOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision the comment is about; the current one if left out.",
        **NUMBER,
    )


class ReplyInput(StrictSerializer):
    body = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, error_messages={"blank": "Write the reply."}
    )


def _paragraph(statement: Statement, key: str) -> Paragraph:
    found = Paragraph.objects.filter(statement=statement, key=key).first()
    if found is None:
        raise serializers.ValidationError(
            {"paragraph": [f"This statement has no paragraph “{key[:20]}”."]}
        )
    return found


def _read(statement: Statement, number: int | None) -> Revision | None:
    return None if number is None else _revision(statement, number, "revision")


def _thread(comment: Comment) -> dict[str, Any]:
    thread = selectors.thread_of(comment)
    first = thread.comment
    first.thread_replies = thread.replies  # type: ignore[attr-defined]
    return dict(Thread(first).data)


class CommentList(APIView):
    @extend_schema(
        operation_id="comments_list",
        summary="The statement's comment threads, oldest first, with their replies",
        responses={200: Thread(many=True), **error_responses(401, 404)},
        tags=["comments"],
    )
    def get(self, request: Request, pk: int) -> Response:
        statement, _ = _statement(request, pk)
        return Response(Thread(selectors.threads_of(statement), many=True).data)

    @extend_schema(
        operation_id="comments_create",
        summary="Open a thread on a paragraph",
        request=CommentInput,
        responses={201: Thread, **error_responses(400, 401, 403, 404, 409)},
        tags=["comments"],
    )
    def post(self, request: Request, pk: int) -> Response:
        statement, _ = _statement(request, pk)
        given = CommentInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        written = actions.comment_on_paragraph(
            request.user,
            statement,
            paragraph=_paragraph(statement, data["paragraph"]),
            body=data["body"],
            quote=data["quote"],
            read=_read(statement, data["revision"]),
        )
        return Response(_thread(written), status=201)


class ReplyView(APIView):
    @extend_schema(
        operation_id="comments_reply",
        summary="Reply in a thread",
        request=ReplyInput,
        responses={201: Thread, **error_responses(400, 401, 403, 404, 409)},
        tags=["comments"],
    )
    def post(self, request: Request, pk: int, comment_id: int) -> Response:
        statement, _ = _statement(request, pk)
        thread = selectors.comment_for(statement, comment_id)
        given = ReplyInput(data=request.data)
        given.is_valid(raise_exception=True)
        reply = actions.reply_to_comment(request.user, thread, body=given.validated_data["body"])
        return Response(_thread(reply), status=201)


class ResolveView(APIView):
    resolved = True

    @extend_schema(
        operation_id="comments_resolve",
        summary="Resolve a thread (its author, the pen-holders, the chairs)",
        request=None,
        responses={200: Thread, **error_responses(401, 403, 404, 409)},
        tags=["comments"],
    )
    def post(self, request: Request, pk: int, comment_id: int) -> Response:
        statement, _ = _statement(request, pk)
        thread = selectors.comment_for(statement, comment_id)
        NoBody(data=request.data).is_valid(raise_exception=True)
        done = (actions.resolve_comment if self.resolved else actions.reopen_comment)(
            request.user, thread
        )
        return Response(_thread(done))


class ReopenView(ResolveView):
    resolved = False

    @extend_schema(
        operation_id="comments_reopen",
        summary="Reopen a resolved thread (its author, the pen-holders, the chairs)",
        request=None,
        responses={200: Thread, **error_responses(401, 403, 404, 409)},
        tags=["comments"],
    )
    def post(self, request: Request, pk: int, comment_id: int) -> Response:
        return super().post(request, pk, comment_id)


# --- amendments ---------------------------------------------------------------------------


class AmendmentSerializer(serializers.Serializer[Amendment]):
    id = serializers.IntegerField()
    paragraph = serializers.CharField(source="paragraph.key")
    kind = serializers.ChoiceField(choices=Amendment.Kind.choices)
    text = serializers.CharField(trim_whitespace=False, help_text="Empty for a deletion.")
    justification = serializers.CharField(trim_whitespace=False)
    delegation = DelegationRef()
    author = serializers.CharField(source="author.full_name")
    status = serializers.ChoiceField(choices=Amendment.Status.choices)
    proposed_against = serializers.IntegerField(
        source="proposed_against.number", help_text="The revision its author read."
    )
    base_revision = serializers.IntegerField(
        source="base_revision.number",
        help_text="The revision whose wording of the paragraph it changes (after any rebase).",
    )
    base_text = serializers.CharField(trim_whitespace=False)
    created_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.full_name", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(trim_whitespace=False)
    outdated_because = serializers.ChoiceField(
        choices=Amendment.OutdatedBecause.choices,
        allow_blank=True,
        help_text="Why it no longer applies (empty unless outdated).",
    )
    outdated_reason = serializers.CharField(
        trim_whitespace=False,
        help_text="The same, as a sentence in the caller's language (empty unless outdated).",
    )
    resulting_revision = serializers.IntegerField(
        source="resulting_revision.number",
        allow_null=True,
        help_text="The revision its acceptance made.",
    )


class AmendmentInput(StrictSerializer):
    paragraph = serializers.CharField(max_length=16, help_text="The paragraph's key.")
    kind = serializers.ChoiceField(
        choices=Amendment.Kind.choices, error_messages={"required": "Choose what to propose."}
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="The proposed wording (Markdown); not used for a deletion.",
    )
    justification = serializers.CharField(
        max_length=JUSTIFICATION_MAX_LENGTH,
        error_messages={"blank": "Say why your delegation proposes it."},
    )
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision read; the current one if left out.",
        **NUMBER,
    )


class RejectionInput(StrictSerializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        error_messages={"blank": "Give the reason, for the proposing delegation."},
    )


def _amendment(statement: Statement, pk: int) -> dict[str, Any]:
    found = next(a for a in selectors.amendments_of(statement) if a.pk == pk)
    return dict(AmendmentSerializer(found).data)


class AmendmentList(APIView):
    @extend_schema(
        operation_id="amendments_list",
        summary="The statement's amendments, oldest first",
        responses={200: AmendmentSerializer(many=True), **error_responses(401, 404)},
        tags=["amendments"],
    )
    def get(self, request: Request, pk: int) -> Response:
        statement, _ = _statement(request, pk)
        return Response(AmendmentSerializer(selectors.amendments_of(statement), many=True).data)

    @extend_schema(
        operation_id="amendments_create",
        summary="Propose to replace, insert after or delete a paragraph (in consultation)",
        request=AmendmentInput,
        responses={201: AmendmentSerializer, **error_responses(400, 401, 403, 404, 409)},
        tags=["amendments"],
    )
    def post(self, request: Request, pk: int) -> Response:
        statement, _ = _statement(request, pk)
        given = AmendmentInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        amendment = actions.propose_amendment(
            request.user,
            statement,
            paragraph=_paragraph(statement, data["paragraph"]),
            kind=data["kind"],
            text=data["text"],
            justification=data["justification"],
            read=_read(statement, data["revision"]),
        )
        return Response(_amendment(statement, amendment.pk), status=201)


class AcceptView(APIView):
    @extend_schema(
        operation_id="amendments_accept",
        summary="Accept an amendment: the text becomes its next revision (pen-holders)",
        request=None,
        responses={200: AmendmentSerializer, **error_responses(401, 403, 404, 409)},
        tags=["amendments"],
    )
    def post(self, request: Request, pk: int, amendment_id: int) -> Response:
        statement, _ = _statement(request, pk)
        amendment = selectors.amendment_for(statement, amendment_id)
        NoBody(data=request.data).is_valid(raise_exception=True)
        actions.accept_amendment(request.user, amendment)
        return Response(_amendment(statement, amendment.pk))


class RejectView(APIView):
    @extend_schema(
        operation_id="amendments_reject",
        summary="Reject an amendment, with the reason its delegation is told (pen-holders)",
        request=RejectionInput,
        responses={200: AmendmentSerializer, **error_responses(400, 401, 403, 404, 409)},
        tags=["amendments"],
    )
    def post(self, request: Request, pk: int, amendment_id: int) -> Response:
        statement, _ = _statement(request, pk)
        amendment = selectors.amendment_for(statement, amendment_id)
        given = RejectionInput(data=request.data)
        given.is_valid(raise_exception=True)
        actions.reject_amendment(request.user, amendment, reason=given.validated_data["reason"])
        return Response(_amendment(statement, amendment.pk))
