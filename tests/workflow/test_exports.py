"""Downloads of a statement's text: any revision a person may see, as Word (.docx) and PDF, and
the signed text of a published statement for anyone, with its signatories and its hash.

The files are opened again the way a reader opens them: the DOCX with python-docx, the PDF
with pdfium (its first page drawn to a PNG and its text extracted).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.document import Document as DocxDocument

from delegations.models import Body, User
from drafts import actions as drafts_actions
from drafts.models import Revision, Statement
from drafts.text import plain_text
from tests.conftest import StatementMaker, client_for, delegation, later, person, proof_for
from workflow import actions, exports, selectors
from workflow.models import Signature

pytestmark = pytest.mark.django_db

State = Statement.State

TITLE = "Joint Statement on the Safety of Journalists Online"
TEXT = """\
# Joint Statement on the Safety of Journalists Online

The undersigned members of the coalition,

*Recalling* UN Security Council resolution 2222 (2015) and the **UN Plan of Action** on the
Safety of Journalists and the Issue of Impunity,

## Operative paragraphs

1. *Condemn* unequivocally all attacks, threats and harassment against journalists and media
   workers, online and offline;
2. *Call upon* all States to investigate threats against journalists promptly, impartially and
   effectively:
   - online and offline;
   - whoever makes them;
3. *Commit* to support initiatives that strengthen the digital safety of journalists.
"""

READING = [
    "Joint Statement on the Safety of Journalists Online",
    "The undersigned members of the coalition,",
    "Recalling UN Security Council resolution 2222 (2015) and the UN Plan of Action on the "
    "Safety of Journalists and the Issue of Impunity,",
    "Operative paragraphs",
    "1.\tCondemn unequivocally all attacks, threats and harassment against journalists and "
    "media workers, online and offline;",
    "2.\tCall upon all States to investigate threats against journalists promptly, "
    "impartially and effectively:",
    "-\tonline and offline;",
    "-\twhoever makes them;",
    "3.\tCommit to support initiatives that strengthen the digital safety of journalists.",
]

# Signed in this order; the annex lists them in the coalition's order ("The Netherlands"
# under N, before Norway).
SIGNERS = ["NO", "KE", "NL", "CA", "FR"]
IN_COLLATION_ORDER = ["Canada", "France", "Kenya", "The Netherlands", "Norway"]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def signatory_of(code: str, place: str = "exports") -> User:
    return person(
        f"signatory.{code.lower()}@{place}.example.org", User.Role.SIGNATORY, delegation(code)
    )


def current(statement: Statement) -> Revision:
    revision = Statement.objects.get(pk=statement.pk).current_revision
    assert revision is not None
    return revision


def walk_to_sign_on(statement: Statement, chair: User) -> Statement:
    statement = actions.open_consultation(chair, statement, deadline=later(10))
    return actions.open_sign_on(chair, statement, deadline=later(7))


@pytest.fixture
def published(plenary: Body, pen_delegate: User, chair: User, coordinator: User) -> Statement:
    """The journalists statement, signed by five delegations and published."""
    statement = actions.create_statement(
        pen_delegate,
        title=TITLE,
        kind=Statement.Kind.JOINT_STATEMENT,
        body=plenary,
        pen_holders=[delegation("NL")],
        text="# Joint Statement on the Safety of Journalists Online\n\nA first draft.\n",
    )
    drafts_actions.save_revision(pen_delegate, statement, text=TEXT, base=current(statement))
    statement = walk_to_sign_on(Statement.objects.get(pk=statement.pk), chair)
    for code in SIGNERS:
        signer = signatory_of(code)
        actions.sign_on(signer, statement, proof=proof_for(signer))
    return actions.publish(coordinator, statement)


def docx_of(content: bytes) -> DocxDocument:
    return Document(io.BytesIO(content))


def annex_of(document: DocxDocument) -> list[str]:
    texts = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    start = next(i for i, (style, _) in enumerate(texts) if style == exports.ANNEX_HEADING_STYLE)
    return [text for style, text in texts[start + 1 :] if style == "Signatory"]


def pdf_text(content: bytes) -> str:
    pdf = pdfium.PdfDocument(content)
    return "\n".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))


# --- reading the text -------------------------------------------------------------------------


def test_the_text_reads_paragraph_by_paragraph_with_its_numbers() -> None:
    assert exports.reading_of(TEXT) == READING


def test_numbered_paragraphs_carry_the_numbers_the_page_shows() -> None:
    # A list that starts at 4 goes on 5, 6, as the statement page renders it.
    text = "4. *Decide* one thing;\n4. Decide another;\n4. Remain seized.\n"
    assert exports.reading_of(text) == [
        "4.\tDecide one thing;",
        "5.\tDecide another;",
        "6.\tRemain seized.",
    ]


# --- DOCX -------------------------------------------------------------------------------------


def test_the_docx_of_a_published_statement_reads_back(published: Statement) -> None:
    revision = published.instrument_revision
    assert revision is not None
    document = docx_of(
        exports.revision_docx(published, revision, selectors.signatures_on(revision))
    )
    paragraphs = document.paragraphs
    styles = [p.style.name if p.style else "" for p in paragraphs]

    assert paragraphs[0].style is not None
    assert paragraphs[0].style.name == exports.DETAILS_STYLE
    assert paragraphs[0].text.startswith("Plenary · Joint statement · Published ")
    # The text opens with the title: it heads the document, as a Word heading.
    assert (styles[1], paragraphs[1].text) == ("Heading 1", TITLE)
    assert styles[4] == "Heading 2" and paragraphs[4].text == "Operative paragraphs"
    assert exports.statement_paragraphs_of(document) == READING

    numbered = [p for p in paragraphs if p.text.startswith(("1.\t", "2.\t", "3.\t"))]
    assert [p.text[:2] for p in numbered] == ["1.", "2.", "3."]
    recalling = paragraphs[3]
    assert [(r.text, r.italic, r.bold) for r in recalling.runs][:4] == [
        ("Recalling", True, None),
        (" UN Security Council resolution 2222 (2015) and the ", None, None),
        ("UN Plan of Action", None, True),
        (" on the Safety of Journalists and the Issue of Impunity,", None, None),
    ]

    assert annex_of(document) == IN_COLLATION_ORDER
    footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
    assert f"SHA-256 {revision.content_hash} · Revision {revision.number} · {TITLE}" in footer
    assert "Page" in footer

    properties = document.core_properties
    assert properties.title == TITLE
    assert properties.created == revision.created_at.replace(microsecond=0)
    assert properties.revision == revision.number
    assert properties.identifier == f"sha256:{revision.content_hash}"
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_docx_body_has_the_words_of_the_signed_text(published: Statement) -> None:
    """Read as a reader sees it, the body is word for word the signed text."""
    revision = published.instrument_revision
    assert revision is not None
    document = docx_of(exports.revision_docx(published, revision, []))
    body = "\n\n".join(exports.statement_paragraphs_of(document))
    assert plain_text(body) == plain_text(revision.text)


def test_an_earlier_revision_is_not_shown_as_signed(published: Statement) -> None:
    first = Revision.objects.get(statement=published, number=1)
    # Even handed every signature of the statement, only those given to this revision count.
    document = docx_of(exports.revision_docx(published, first, selectors.signatures_of(published)))
    assert annex_of(document) == []
    texts = [p.text for p in document.paragraphs]
    assert "Not signed. This is revision 1; the text put to sign-on is revision 2." in texts
    assert texts[0].startswith("Plenary · Joint statement · Draft of ")


def test_signatures_voided_by_a_return_to_drafting_are_not_listed(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(State.SIGN_ON)  # France has signed
    revision = statement.instrument_revision
    assert revision is not None
    assert [s.delegation.code for s in selectors.signatures_on(revision)] == ["FR"]
    statement = actions.return_to_drafting(chair, statement)
    voided = list(Signature.objects.filter(instrument__revision=revision))
    document = docx_of(exports.revision_docx(statement, revision, voided))
    assert annex_of(document) == []
    assert "Not signed. No delegation has signed this revision." in [
        p.text for p in document.paragraphs
    ]


def test_a_text_in_sign_on_lists_who_signed_so_far(make_statement: StatementMaker) -> None:
    statement = make_statement(State.SIGN_ON)
    revision = statement.instrument_revision
    assert revision is not None
    document = docx_of(
        exports.revision_docx(statement, revision, selectors.signatures_on(revision))
    )
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Plenary · Joint statement · Open for sign-on"
    assert "Signed so far by 1 delegation; sign-on is still open." in texts
    assert annex_of(document) == ["France"]


def test_a_signature_given_after_publication_shows_its_date(published: Statement) -> None:
    revision = published.instrument_revision
    assert revision is not None and published.published_at is not None
    signatures = selectors.signatures_on(revision)
    late = Signature(
        statement=published,
        delegation=delegation("GH"),
        instrument=published.instrument,
        content_hash=revision.content_hash,
        status=Signature.Status.SIGNED,
        given_at=published.published_at + timedelta(days=3),
    )
    document = docx_of(exports.revision_docx(published, revision, [*signatures, late]))
    when = exports._date(late.given_at)
    assert annex_of(document) == [
        "Canada",
        "France",
        f"Ghana — signed {when}, after publication",
        "Kenya",
        "The Netherlands",
        "Norway",
    ]


def test_a_text_without_a_title_of_its_own_gets_the_statement_title(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    revision = drafts_actions.save_revision(
        pen_delegate,
        statement,
        text="The members of the coalition,\n\n1. *Decide* to act.\n",
        base=current(statement),
    )
    document = docx_of(exports.revision_docx(statement, revision, []))
    styles = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert styles[1] == ("Title", statement.title)
    assert exports.statement_paragraphs_of(document) == [
        "The members of the coalition,",
        "1.\tDecide to act.",
    ]


# --- PDF --------------------------------------------------------------------------------------


def test_the_pdf_opens_on_a4_with_text_signatories_and_hash(published: Statement) -> None:
    revision = published.instrument_revision
    assert revision is not None
    content = exports.revision_pdf(published, revision, selectors.signatures_on(revision))
    assert content.startswith(b"%PDF-")

    pdf = pdfium.PdfDocument(content)
    width, height = pdf[0].get_size()
    assert height / width == pytest.approx(297 / 210, rel=0.01)
    image = pdf[0].render(scale=1.5).to_pil().convert("L")
    assert image.height / image.width == pytest.approx(297 / 210, rel=0.01)
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 0.005 * image.width * image.height  # text on it, not a blank page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "export-first-page.png"
    image.save(path)
    print(f"first page of the PDF: {path}")

    text = pdf_text(content)
    flat = " ".join(text.split())
    assert TITLE in flat
    assert "Recalling UN Security Council resolution 2222 (2015)" in flat
    for number, words in (("1.", "Condemn"), ("2.", "Call upon"), ("3.", "Commit")):
        assert f"{number} {words}" in flat
    positions = [flat.index(name) for name in IN_COLLATION_ORDER]
    assert positions == sorted(positions)
    assert "Signatories" in flat
    assert f"SHA-256 {revision.content_hash} · Revision {revision.number}" in flat
    assert re.search(r"Page 1 of \d", flat)


def test_the_pdf_prints_the_numbers_of_a_list_that_resumes(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    text = "# Title\n\n## Part two\n\n4. *Decide* one thing;\n4. Decide another.\n"
    revision = drafts_actions.save_revision(
        pen_delegate, statement, text=text, base=current(statement)
    )
    flat = " ".join(pdf_text(exports.revision_pdf(statement, revision, [])).split())
    assert "4. Decide one thing; 5. Decide another." in flat


def test_without_weasyprint_the_pdf_is_503_with_a_reason(
    published: Statement, monkeypatch: pytest.MonkeyPatch, pen_delegate: User
) -> None:
    def no_pango(name: str) -> Any:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(exports, "import_module", no_pango)
    assert published.slug is not None
    for client, url in (
        (Client(), reverse("workflow:public_pdf", args=[published.slug])),
        (client_for(pen_delegate), reverse("workflow:revision_pdf", args=[published.pk, 1])),
    ):
        response = client.get(url)
        assert response.status_code == 503
        assert b"PDF export is not available on this server" in response.content
        assert b"Word (.docx)" in response.content
    # The Word download does not need it.
    docx = Client().get(reverse("workflow:public_docx", args=[published.slug]))
    assert docx.status_code == 200


# --- hostile titles and texts -----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def test_markup_in_titles_and_texts_stays_literal_text(plenary: Body, pen_delegate: User) -> None:
    statement = actions.create_statement(
        pen_delegate,
        title=f"{SCRIPT} {IMG}",
        kind=Statement.Kind.RAPID_RESPONSE,
        body=plenary,
        pen_holders=[],
        text=f"The members {SCRIPT}\n\n1. *Note* {IMG}\n",
    )
    revision = statement.current_revision
    assert revision is not None

    document = docx_of(exports.revision_docx(statement, revision, []))
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == f"{SCRIPT} {IMG}"  # the title, as written
    assert f"The members {SCRIPT}" in texts
    assert f"1.\tNote {IMG}" in texts
    assert document.core_properties.title == f"{SCRIPT} {IMG}"

    html = exports.revision_html(statement, revision, [])
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html

    flat = " ".join(pdf_text(exports.revision_pdf(statement, revision, [])).split())
    assert f"The members {SCRIPT}" in flat
    assert IMG in flat


def test_characters_xml_cannot_carry_do_not_break_the_docx(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    revision = drafts_actions.save_revision(
        pen_delegate,
        statement,
        text="# Title\n\nA bell\x07 and a form feed\x0c here.\n",
        base=current(statement),
    )
    document = docx_of(exports.revision_docx(statement, revision, []))
    assert "A bell and a form feed here." in [p.text for p in document.paragraphs]


# --- the downloads, who gets them, and what they cost ----------------------------------------

ROLES = [
    "pen_delegate",
    "pen_signatory",
    "other_signatory",
    "non_member_delegate",
    "adviser",
    "chair",
    "other_chair",
    "coordinator",
    "anonymous",
]
STATES = ["draft", "consultation", "sign_on", "published", "withdrawn"]
PEN = {"pen_delegate", "pen_signatory"}
STEERING = {"chair", "coordinator"}
MEMBERS = PEN | {"other_signatory", "chair", "other_chair"}
# As tests/workflow/test_permission_matrix.py: who sees a statement in each state.
SEES = {
    "draft": PEN | STEERING,
    "consultation": MEMBERS | STEERING,
    "sign_on": MEMBERS | STEERING,
    "published": MEMBERS | STEERING,  # the public downloads the signed text, not the drafts
    "withdrawn": PEN | STEERING,
}


def expected(role: str, state: str) -> int:
    if role in SEES[state]:
        return 200
    return 302 if role == "anonymous" else 404


@pytest.mark.parametrize("state", STATES)
def test_who_downloads_a_revision(
    state: str, make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    statement = make_statement(state)
    mismatches = []
    for role in ROLES:
        client = client_for(cast[role])
        for name in ("workflow:revision_docx", "workflow:revision_pdf"):
            url = reverse(name, args=[statement.pk, 1])
            response = client.get(url)
            if response.status_code != expected(role, state):
                mismatches.append((role, name, response.status_code))
            elif response.status_code == 302:
                assert response["Location"].startswith(f"/accounts/login/?next={url}")
    assert mismatches == []


def test_missing_statements_and_revisions(
    make_statement: StatementMaker, coordinator: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    coordinator_client, anonymous = client_for(coordinator), Client()
    url = reverse("workflow:revision_docx", args=[statement.pk + 1000, 1])
    assert coordinator_client.get(url).status_code == 404
    # Not logged in: sent to log in, whether the statement exists or not.
    assert anonymous.get(url).status_code == 302
    missing_revision = reverse("workflow:revision_docx", args=[statement.pk, 9])
    assert coordinator_client.get(missing_revision).status_code == 404
    # Nor does a published statement's history answer a visitor: its drafts stay confidential.
    assert anonymous.get(missing_revision).status_code == 302
    first = reverse("workflow:revision_docx", args=[statement.pk, 1])
    assert anonymous.get(first).status_code == 302


def test_the_downloads_are_named_and_typed(published: Statement, coordinator: User) -> None:
    assert published.slug is not None
    client = client_for(coordinator)
    cases = [
        (f"/statements/{published.pk}/revisions/2.docx", exports.DOCX_CONTENT_TYPE, "docx"),
        (f"/statements/{published.pk}/revisions/1.pdf", exports.PDF_CONTENT_TYPE, "pdf"),
    ]
    for url, content_type, extension in cases:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        number = url.rsplit("/", 1)[1].split(".")[0]
        assert response["Content-Disposition"] == (
            f'attachment; filename="{published.slug}-revision-{number}.{extension}"'
        )


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("workflow:public_docx", exports.DOCX_CONTENT_TYPE, "docx"),
        ("workflow:public_pdf", exports.PDF_CONTENT_TYPE, "pdf"),
        ("workflow:public_markdown", "text/markdown; charset=utf-8", "md"),
    ],
)
def test_anyone_downloads_the_signed_text_of_a_published_statement(
    published: Statement, name: str, content_type: str, extension: str
) -> None:
    assert published.slug is not None
    response = Client().get(reverse(name, args=[published.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="{published.slug}-revision-2.{extension}"'
    )
    if extension == "md":
        assert response.content.decode() == TEXT
    if extension == "docx":
        document = docx_of(response.content)
        assert exports.statement_paragraphs_of(document) == READING
        assert annex_of(document) == IN_COLLATION_ORDER


@pytest.mark.parametrize("extension", ["docx", "pdf", "md"])
def test_the_public_downloads_only_published_statements(
    make_statement: StatementMaker, extension: str
) -> None:
    statement = make_statement(State.SIGN_ON)
    for slug in ("no-such-statement", "joint-statement-on-internet-shutdowns", str(statement.pk)):
        response = Client().get(f"/published/{slug}/statement.{extension}")
        assert response.status_code == 404, slug


def test_the_pages_link_to_the_downloads(published: Statement, coordinator: User) -> None:
    assert published.slug is not None
    client = client_for(coordinator)
    history = client.get(reverse("drafts:history", args=[published.pk])).content.decode()
    for number in (1, 2):
        assert reverse("workflow:revision_docx", args=[published.pk, number]) in history
        assert reverse("workflow:revision_pdf", args=[published.pk, number]) in history
    page = client.get(reverse("workflow:statement", args=[published.pk])).content.decode()
    assert reverse("workflow:revision_docx", args=[published.pk, 2]) in page
    assert reverse("workflow:revision_pdf", args=[published.pk, 2]) in page
    public = Client().get(reverse("workflow:public_detail", args=[published.slug]))
    html = public.content.decode()
    assert "Download:" in html
    for name in ("workflow:public_docx", "workflow:public_pdf", "workflow:public_markdown"):
        assert reverse(name, args=[published.slug]) in html


@pytest.fixture
def signed_by(plenary: Body, pen_delegate: User, chair: User, coordinator: User) -> Any:
    def make(count: int) -> Statement:
        statement = actions.create_statement(
            pen_delegate,
            title=f"Statement signed by {count}",
            kind=Statement.Kind.JOINT_STATEMENT,
            body=plenary,
            pen_holders=[],
            text=TEXT,
        )
        statement = walk_to_sign_on(statement, chair)
        codes = list(
            type(delegation("CA"))
            .objects.filter(is_member=True)
            .order_by("sort_key")
            .values_list("code", flat=True)[:count]
        )
        with transaction.atomic():
            for code in codes:
                signer = signatory_of(code, f"by{count}")
                actions.sign_on(signer, statement, proof=proof_for(signer))
        return actions.publish(coordinator, statement)

    return make


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_downloads_cost_the_same_queries_for_3_or_30_signatures(
    signed_by: Any, coordinator: User, django_assert_num_queries: Any, extension: str
) -> None:
    client = client_for(coordinator)
    anonymous = Client()
    for count in (3, 30):
        statement = signed_by(count)
        revision = statement.instrument_revision
        assert revision is not None and statement.slug is not None
        # the session and the person (their language, time zone and second factor), then
        # the statement, its pen-holders, the revision, its signatures
        with django_assert_num_queries(6):
            response = client.get(
                reverse(f"workflow:revision_{extension}", args=[statement.pk, revision.number])
            )
        assert response.status_code == 200
        # statement with its signatures
        with django_assert_num_queries(2):
            response = anonymous.get(reverse(f"workflow:public_{extension}", args=[statement.slug]))
        assert response.status_code == 200
    if extension == "docx":
        assert len(annex_of(docx_of(response.content))) == 30
