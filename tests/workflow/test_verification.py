"""The verification page: is this text, word for word, the text signed in a published
statement? And if not, where does it differ from the closest one?"""

from __future__ import annotations

import io
import zipfile
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from delegations.models import Body, User
from drafts.models import Statement
from tests.conftest import TEXT, StatementMaker, client_for
from tests.workflow.test_public import publish_many
from workflow import exports, selectors, verification

pytestmark = pytest.mark.django_db
State = Statement.State


def verify(**data: Any) -> Any:
    return client_for(None).post(reverse("workflow:verify"), data)


def page(response: Any) -> str:
    return unescape(response.content.decode())


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_of(paragraphs: list[tuple[str, str | None]]) -> bytes:
    """A Word document made with python-docx: (text, style) per paragraph."""
    document = Document()
    for text, style in paragraphs:
        if style and style.startswith("Heading"):
            document.add_heading(text, level=int(style.split()[-1]))
        else:
            document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def published(make_statement: StatementMaker, plenary: Body, coordinator: User) -> Statement:
    publish_many(
        3,
        body=plenary,
        author=coordinator,
        title="On other things {n}",
        text="# Other things\n\nThe members of the coalition welcome a free press.\n",
    )
    return make_statement(State.PUBLISHED)


def test_the_signed_text_is_found_word_for_word(published: Statement) -> None:
    response = verify(text=TEXT.replace("\n", "\r\n") + "\n\n")  # line endings aside
    assert response.status_code == 200
    html = page(response)
    # An exact match says so, and is worded apart from a match of the words alone.
    assert "This is exactly the text signed in" in html
    assert "the very same characters" in html
    assert "same words" not in html and "formatting differs" not in html
    assert f'href="/published/{published.slug}/"' in html
    assert "by 1 member of the coalition" in html
    frozen = published.instrument_revision
    assert frozen is not None
    assert f'data-testid="signed-hash">{frozen.content_hash}<' in html
    assert response.context["verdict"].exact


def test_the_same_words_without_the_markdown_are_found_too(published: Statement) -> None:
    copied_from_the_page = (
        "Joint statement on internet shutdowns\n"
        "The members of the coalition,\n\n"
        "Recalling that the same rights that people have offline must also be protected "
        "online;\n"
        "Call upon all states to refrain from shutting down access to the internet."
    )
    response = verify(text=copied_from_the_page)
    verdict = response.context["verdict"]
    assert verdict.statement == published
    assert not verdict.exact
    html = page(response)
    assert "This has the same words as the text signed in" in html
    assert "but not its formatting" in html and "only the formatting differs" in html
    assert "exactly" not in html


def test_a_one_word_change_is_shown_against_the_closest_statement(published: Statement) -> None:
    changed = TEXT.replace("refrain from shutting", "abstain from shutting")
    response = verify(text=changed)
    assert response.status_code == 200
    verdict = response.context["verdict"]
    assert verdict.statement is None
    assert verdict.closest == published
    comparison = verdict.comparison
    assert (comparison.words_inserted, comparison.words_deleted) == (1, 1)
    html = page(response)
    assert "This is not the signed text of any published statement." in html
    assert "The closest is" in html and published.title in html
    differences = html.split('data-testid="differences"')[1]
    assert '<del><span class="visually-hidden">[deleted: </span>refrain' in differences
    assert '<ins><span class="visually-hidden">[inserted: </span>abstain' in differences
    assert "1 word added" in html and "1 missing" in html


def test_a_text_unlike_any_published_one(published: Statement) -> None:
    response = verify(text="A recipe for lemon cake: flour, eggs, sugar and two lemons.")
    verdict = response.context["verdict"]
    assert verdict.statement is None and verdict.closest is None
    assert "No recently published statement resembles it." in page(response)


def test_a_word_document_of_the_signed_markdown_verifies_exactly(published: Statement) -> None:
    blocks = [block for block in TEXT.split("\n\n") if block.strip()]
    document = docx_of([(block.strip(), None) for block in blocks])
    response = verify(file=upload("statement.docx", document))
    assert response.status_code == 200
    assert response.context["verdict"].statement == published
    assert response.context["verdict"].exact


def test_a_word_document_with_headings_and_numbered_paragraphs_verifies(
    published: Statement,
) -> None:
    document = docx_of(
        [
            ("Joint statement on internet shutdowns", "Heading 1"),
            ("The members of the coalition,", None),
            ("", None),  # an empty paragraph is no text
            (
                "Recalling that the same rights that people have offline must also be "
                "protected online;",
                "List Number",
            ),
            (
                "2. Call upon all states to refrain from shutting down access to the internet.",
                None,
            ),
        ]
    )
    response = verify(file=upload("Statement.DOCX", document))
    assert response.status_code == 200
    assert response.context["verdict"].statement == published


def test_the_word_document_accord_exports_verifies(published: Statement) -> None:
    frozen = published.instrument_revision
    assert frozen is not None
    signatures = selectors.signatures_of(published)
    exported = exports.revision_docx(published, frozen, signatures)
    response = verify(file=upload("joint-statement.docx", exported))
    assert response.status_code == 200
    assert response.context["verdict"].statement == published


def test_a_text_or_markdown_file_verifies(published: Statement) -> None:
    for name, content in (
        ("statement.md", TEXT.encode()),
        ("statement.txt", b"\xef\xbb\xbf" + TEXT.encode()),  # with a byte-order mark
    ):
        response = verify(file=upload(name, content))
        assert response.context["verdict"].exact, name


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"This is plain text, not a Word document.", "statement.docx"),
        (b"PK\x03\x04 broken zip", "statement.docx"),
    ],
)
def test_a_file_that_is_not_a_word_document_is_refused_clearly(
    content: bytes, name: str, db: None
) -> None:
    response = verify(file=upload(name, content))
    assert response.status_code == 400
    assert "This file is not a Word document (.docx) we can read." in page(response)


def test_a_zip_that_is_not_a_word_document_is_refused(db: None) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    response = verify(file=upload("statement.docx", buffer.getvalue()))
    assert response.status_code == 400
    assert "This file is not a Word document (.docx) we can read." in page(response)


def test_a_word_document_that_unpacks_too_large_is_refused(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verification, "MAX_DOCX_UNPACKED_BYTES", 1000)
    document = docx_of([("A paragraph " * 200, None)])
    response = verify(file=upload("statement.docx", document))
    assert response.status_code == 400
    assert "This file is not a Word document (.docx) we can read." in page(response)


def test_an_oversized_upload_is_refused_clearly(db: None, settings: Any) -> None:
    settings.ACCORD_VERIFY_MAX_UPLOAD_BYTES = 2000
    response = verify(file=upload("statement.txt", b"word " * 1000))
    assert response.status_code == 400
    assert "The file is 5 KB; the largest file this page reads is 2 KB." in page(response)


def test_other_files_and_empty_or_double_input_are_refused(db: None) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"file": upload("statement.pdf", b"%PDF-1.7")}, "Choose a .txt, .md or .docx file."),
        ({"text": "   \n  "}, "Paste a text, or choose a file, to verify."),
        ({}, "Paste a text, or choose a file, to verify."),
        (
            {"text": "Some text", "file": upload("statement.txt", b"Other text")},
            "Paste a text or choose a file, not both.",
        ),
        ({"file": upload("statement.txt", b"\xff\xfe\x00broken")}, "This file is not UTF-8 text."),
        ({"file": upload("statement.txt", b"   \n")}, "This file holds no text."),
    ]
    for data, message in cases:
        response = verify(**data)
        assert response.status_code == 400, message
        assert message in page(response)


def test_a_text_too_large_is_refused_and_kept(db: None) -> None:
    text = "word " * 50_000
    response = verify(text=text)
    assert response.status_code == 400
    assert "The text is 250 KB; no published statement is over 200 KB." in page(response)
    assert response.context["form"]["text"].value() == text


def test_the_page_is_public_and_linked(published: Statement) -> None:
    visitor = client_for(None)
    assert visitor.get(reverse("workflow:verify")).status_code == 200
    detail = visitor.get(reverse("workflow:public_detail", args=[published.slug]))
    assert f'href="{reverse("workflow:verify")}"' in detail.content.decode()


def test_the_lookup_is_by_hash_in_a_fixed_number_of_queries(
    published: Statement, django_assert_num_queries: Any
) -> None:
    # The exact hash: the statement, then its signatures.
    with django_assert_num_queries(2):
        assert verification.verify(TEXT).statement == published
    # No match: both hashes, the candidates' texts, then the closest with its signatures.
    with django_assert_num_queries(5):
        assert verification.verify(TEXT.replace("refrain", "abstain")).closest == published
