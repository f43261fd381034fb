"""Any revision of a statement as a Word document or a PDF: the text as its readers see it, the
delegations that signed that very revision, and the hash that identifies it.

Both files are built from the same reading of the Markdown (``blocks_of``): one block per
heading, paragraph or list item, numbered paragraphs carrying the number the reader sees on the
statement page. A DOCX's body reads back, paragraph by paragraph, as ``reading_of(text)``
(``statement_paragraphs_of`` extracts it from a document), so an uploaded copy can be compared
with the signed text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from markdown_it import MarkdownIt
from markdown_it.token import Token

from drafts.models import Revision, Statement
from workflow.models import Signature

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import ParagraphStyle
    from docx.text.paragraph import Paragraph as DocxParagraph

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

# Characters XML 1.0 cannot carry: a pasted one must not make the export fail.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

# Paragraph styles of the DOCX that are not the statement's text.
DETAILS_STYLE = "Statement Details"
TITLE_STYLE = "Title"
ANNEX_HEADING_STYLE = "Annex Heading"
NUMBERED_STYLE = "Numbered Paragraph"

SERIF = "Times New Roman"
INK = RGBColor(0x1B, 0x23, 0x30)
MUTED = RGBColor(0x5A, 0x64, 0x73)
NAVY = RGBColor(0x17, 0x32, 0x5C)


class ExportUnavailable(RuntimeError):
    """This server cannot make PDFs (WeasyPrint or the libraries it needs are missing)."""


# --- reading the Markdown ---------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; ``"\\n"`` alone is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


BlockKind = Literal["heading", "paragraph", "item", "quote", "code"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the text as a reader sees it.

    ``label`` is the number ("4.") or the dash ("-") of a list item's first paragraph; ``depth``
    is how deeply the block sits in lists; ``level`` is a heading's level (1 for ``#``).
    """

    kind: BlockKind
    spans: tuple[Span, ...] = ()
    level: int = 0
    depth: int = 0
    label: str = ""

    @property
    def words(self) -> str:
        return "".join(span.text for span in self.spans)

    @property
    def text(self) -> str:
        """The paragraph's text in the DOCX: the label, a tab, then the words."""
        return f"{self.label}\t{self.words}" if self.label else self.words


@dataclass
class _List:
    ordered: bool
    next_number: int = 1


@dataclass
class _Reader:
    blocks: list[Block] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    quotes: int = 0
    heading: int = 0
    pending_label: str | None = None  # a list item's label, until its first paragraph takes it

    def add(self, kind: BlockKind, spans: tuple[Span, ...]) -> None:
        label = self.pending_label or ""
        self.pending_label = None
        if self.heading:
            kind = "heading"
        elif self.lists:
            kind = "item"
        elif self.quotes and kind == "paragraph":
            kind = "quote"
        self.blocks.append(
            Block(kind, spans, level=self.heading, depth=len(self.lists), label=label)
        )

    def flush_label(self) -> None:
        """A list item that opens with something other than a paragraph still shows its label."""
        if self.pending_label is not None:
            self.add("item", ())


def _clean(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def _spans(inline: Token) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = italic = 0

    def put(text: str, *, code: bool = False) -> None:
        text = _clean(text)
        if not text:
            return
        span = Span(text, bold=bold > 0, italic=italic > 0, code=code)
        last = spans[-1] if spans else None
        same_look = last is not None and (last.bold, last.italic, last.code) == (
            span.bold,
            span.italic,
            span.code,
        )
        if last is not None and same_look and "\n" not in (text, last.text):
            spans[-1] = Span(last.text + text, span.bold, span.italic, span.code)
            return
        spans.append(span)

    for token in inline.children or []:
        if token.type == "text":
            put(token.content)
        elif token.type == "code_inline":
            put(token.content, code=True)
        elif token.type == "softbreak":
            put(" ")
        elif token.type == "hardbreak":
            put("\n")
        elif token.type == "strong_open":
            bold += 1
        elif token.type == "strong_close":
            bold -= 1
        elif token.type == "em_open":
            italic += 1
        elif token.type == "em_close":
            italic -= 1
        # Links keep their words (as on the page); images show nothing, as on the page.
    return tuple(spans)


def blocks_of(text: str) -> list[Block]:
    """The Markdown ``text`` as the paragraphs a reader sees, in order.

    Numbered paragraphs carry the number the statement page shows for them (the list's first
    number, then one more for each item), so every copy of the text numbers them alike.
    """
    reader = _Reader()
    for token in _markdown.parse(text):
        kind = token.type
        if kind == "heading_open":
            reader.heading = int(token.tag[1:])
        elif kind == "heading_close":
            reader.heading = 0
        elif kind in ("bullet_list_open", "ordered_list_open"):
            reader.flush_label()
            start = token.attrs.get("start", 1)
            reader.lists.append(
                _List(ordered=kind == "ordered_list_open", next_number=int(start or 1))
            )
        elif kind in ("bullet_list_close", "ordered_list_close"):
            reader.lists.pop()
        elif kind == "list_item_open":
            current = reader.lists[-1]
            if current.ordered:
                reader.pending_label = f"{current.next_number}."
                current.next_number += 1
            else:
                reader.pending_label = "-"
        elif kind == "list_item_close":
            reader.flush_label()
        elif kind == "blockquote_open":
            reader.flush_label()
            reader.quotes += 1
        elif kind == "blockquote_close":
            reader.quotes -= 1
        elif kind == "inline":
            reader.add("paragraph", _spans(token))
        elif kind in ("fence", "code_block"):
            lines = _clean(token.content.rstrip("\n")).split("\n")
            spans: list[Span] = []
            for n, line in enumerate(lines):
                if n:
                    spans.append(Span("\n"))
                if line:
                    spans.append(Span(line, code=True))
            reader.add("code", tuple(spans))
    return reader.blocks


def reading_of(text: str) -> list[str]:
    """The statement's text as the body of its DOCX reads back: one string per paragraph.

    A heading or paragraph gives its words (soft line breaks as spaces, emphasis markers
    dropped); a list item gives its number or bullet, a tab, then its words.
    """
    return [block.text for block in blocks_of(text)]


def _opens_with_title(blocks: Sequence[Block]) -> bool:
    """Whether the text opens with a title of its own (a level-1 heading).

    Then that heading heads the document; the statement's name in Accord, often the same
    words, stays in the footer and the document's properties rather than stand twice on top.
    """
    first = blocks[0] if blocks else None
    return bool(first and first.kind == "heading" and first.level == 1)


# --- what the title block and the annex say ---------------------------------------------------


def _date(moment: datetime | None) -> str:
    return formats.date_format(moment, "j F Y") if moment else ""


@dataclass(frozen=True)
class Signatory:
    name: str
    late: str  # "signed 14 March 2026, after publication", or nothing


@dataclass(frozen=True)
class Export:
    """Everything both files show of one revision."""

    statement: Statement
    revision: Revision
    title: str
    details: str
    blocks: list[Block]
    title_in_text: bool
    signatories: list[Signatory]
    annex_note: str
    footer: str

    @property
    def hash(self) -> str:
        return self.revision.content_hash


def signed_on(revision: Revision, signatures: Iterable[Signature]) -> list[Signature]:
    """The signatures given to exactly this revision, in collation order.

    Signatures of an earlier sign-on, declined or withdrawn answers, and anything bound to
    another revision are left out: a draft is never shown as signed.
    """
    return sorted(
        (
            signature
            for signature in signatures
            if signature.instrument.revision_id == revision.pk
            and signature.status == Signature.Status.SIGNED
        ),
        key=lambda signature: signature.delegation.sort_key,
    )


def _status(statement: Statement, revision: Revision) -> str:
    State = Statement.State
    frozen = revision.pk == statement.instrument_revision_id
    if frozen and statement.state == State.PUBLISHED:
        return f"Published {_date(statement.published_at)}"
    if frozen and statement.state == State.SIGN_ON:
        return "Open for sign-on"
    if revision.statement_state == State.CONSULTATION:
        working = f"Consultation draft of {_date(revision.created_at)}"
    else:
        working = f"Draft of {_date(revision.created_at)}"
    if statement.state == State.WITHDRAWN:
        return f"{working} (withdrawn)"
    return working


def _annex_note(statement: Statement, revision: Revision, signed: list[Signature]) -> str:
    State = Statement.State
    frozen = revision.pk == statement.instrument_revision_id
    if signed:
        count = len(signed)
        delegations = f"{count} delegation{'s' if count != 1 else ''}"
        if frozen and statement.state == State.SIGN_ON:
            return f"Signed so far by {delegations}; sign-on is still open."
        return f"Signed by {delegations}, in the alphabetical order of the coalition."
    if frozen and statement.state == State.SIGN_ON:
        return "Not signed yet: no delegation has signed this text so far."
    put_to_sign_on = statement.instrument_revision
    if put_to_sign_on is not None and not frozen:
        return (
            f"Not signed. This is revision {revision.number}; the text put to sign-on is "
            f"revision {put_to_sign_on.number}."
        )
    return "Not signed. No delegation has signed this revision."


def export_of(statement: Statement, revision: Revision, signatures: Iterable[Signature]) -> Export:
    """What the DOCX and the PDF of ``revision`` show, with only the signatures given to it."""
    signed = signed_on(revision, signatures)
    published_at = statement.published_at
    signatories = [
        Signatory(
            name=_clean(signature.delegation.name),
            late=(
                f"signed {_date(signature.given_at)}, after publication"
                if published_at and signature.given_at > published_at
                else ""
            ),
        )
        for signature in signed
    ]
    blocks = blocks_of(revision.text)
    title = _clean(statement.title)
    return Export(
        statement=statement,
        revision=revision,
        title=title,
        details=" · ".join(
            [statement.body.name, statement.get_kind_display(), _status(statement, revision)]
        ),
        blocks=blocks,
        title_in_text=_opens_with_title(blocks),
        signatories=signatories,
        annex_note=_annex_note(statement, revision, signed),
        footer=f"SHA-256 {revision.content_hash} · Revision {revision.number} · {title}",
    )


# --- DOCX -------------------------------------------------------------------------------------


def _font(style: ParagraphStyle, name: str, size: float, *, color: RGBColor = INK) -> None:
    """Give ``style`` a font by name, dropping the template's theme fonts, which Word prefers."""
    style.font.name = name
    style.font.size = Pt(size)
    style.font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    complex_size = rpr.find(qn("w:szCs"))
    if complex_size is None:
        complex_size = OxmlElement("w:szCs")
        rpr.append(complex_size)
    complex_size.set(qn("w:val"), str(round(size * 2)))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:eastAsia"), name)
        fonts.set(qn("w:cs"), name)


def _paragraph_style(document: DocxDocument, name: str, base: str = "Normal") -> ParagraphStyle:
    styles = document.styles
    if name in [style.name for style in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    return style


def _set_up_styles(document: DocxDocument) -> None:
    styles = document.styles
    normal: Any = styles["Normal"]
    _font(normal, SERIF, 12)
    normal.paragraph_format.space_after = Pt(9)
    normal.paragraph_format.line_spacing = 1.15

    title: Any = styles[TITLE_STYLE]
    heading_1: Any = styles["Heading 1"]
    for style in (title, heading_1):
        _font(style, SERIF, 18, color=NAVY)
        style.font.bold = True
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(18)
        style.paragraph_format.keep_with_next = True
    # The template's Title has a rule under it and tight spacing; plain is better here.
    title_ppr = title.element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:
        title_ppr.remove(border)
    for name, size in (("Heading 2", 14), ("Heading 3", 12), ("Heading 4", 12)):
        heading: Any = styles[name]
        _font(heading, SERIF, size, color=NAVY)
        heading.font.bold = True
        heading.font.italic = name == "Heading 4"
        heading.paragraph_format.space_before = Pt(14)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True

    details = _paragraph_style(document, DETAILS_STYLE)
    _font(details, SERIF, 9.5, color=MUTED)
    details.font.small_caps = True
    details.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    details.paragraph_format.space_after = Pt(4)
    details.paragraph_format.keep_with_next = True

    numbered = _paragraph_style(document, NUMBERED_STYLE)
    numbered.paragraph_format.left_indent = Mm(10)
    numbered.paragraph_format.first_line_indent = Mm(-10)
    numbered.paragraph_format.tab_stops.add_tab_stop(Mm(10))

    annex = _paragraph_style(document, ANNEX_HEADING_STYLE, base="Heading 2")
    annex.paragraph_format.space_before = Pt(30)
    annex.paragraph_format.keep_with_next = True

    note = _paragraph_style(document, "Annex Note")
    _font(note, SERIF, 11, color=MUTED)
    note.font.italic = True
    note.paragraph_format.keep_with_next = True

    signatory = _paragraph_style(document, "Signatory")
    signatory.paragraph_format.space_after = Pt(2)
    signatory.paragraph_format.left_indent = Mm(10)

    footer: Any = styles["Footer"]
    _font(footer, SERIF, 8, color=MUTED)
    footer.paragraph_format.space_after = Pt(0)
    footer.paragraph_format.line_spacing = 1.0


def _add_spans(paragraph: DocxParagraph, spans: Sequence[Span]) -> None:
    for span in spans:
        if span.text == "\n":
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        run = paragraph.add_run(span.text)
        run.bold = span.bold or None
        run.italic = span.italic or None
        if span.code:
            run.font.name = "Courier New"
            run.font.size = Pt(10.5)


def _add_block(document: DocxDocument, block: Block) -> None:
    if block.kind == "heading":
        paragraph = document.add_paragraph(style=f"Heading {min(block.level, 4)}")
    elif block.kind == "item" and block.label:
        paragraph = document.add_paragraph(style=NUMBERED_STYLE)
        paragraph.add_run(f"{block.label}\t")
    else:
        paragraph = document.add_paragraph(style="Quote" if block.kind == "quote" else "Normal")
    fmt = paragraph.paragraph_format
    if block.depth:
        fmt.left_indent = Mm(10 * block.depth)
        if block.label:
            fmt.tab_stops.add_tab_stop(Mm(10 * block.depth))
    if block.kind in ("paragraph", "item", "quote"):
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _add_spans(paragraph, block.spans)


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader's word processor fills in."""
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field_element.append(run)
    paragraph._p.append(field_element)


def revision_docx(
    statement: Statement, revision: Revision, signatures: Iterable[Signature]
) -> bytes:
    """The revision as a Word document: details line and title, the text with Word headings and
    its numbered paragraphs, the annex of signatories (only those who signed this revision), and
    the hash in every page's footer."""
    export = export_of(statement, revision, signatures)
    document = Document()
    _set_up_styles(document)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    section.footer_distance = Mm(12)

    properties = document.core_properties
    properties.title = export.title[:255]
    properties.subject = export.details[:255]
    properties.author = properties.last_modified_by = _clean(statement.body.name)[:255]
    properties.identifier = f"sha256:{revision.content_hash}"
    properties.revision = revision.number
    properties.created = properties.modified = revision.created_at
    properties.comments = export.footer[:255]
    properties.keywords = ""

    document.add_paragraph(export.details, style=DETAILS_STYLE)
    if not export.title_in_text:
        document.add_paragraph(export.title, style=TITLE_STYLE)
    for block in export.blocks:
        _add_block(document, block)

    document.add_paragraph("Signatories", style=ANNEX_HEADING_STYLE)
    document.add_paragraph(export.annex_note, style="Annex Note")
    for signatory in export.signatories:
        line = document.add_paragraph(signatory.name, style="Signatory")
        if signatory.late:
            late = line.add_run(f" — {signatory.late}")
            late.italic = True
            late.font.color.rgb = MUTED

    footer = section.footer
    seal = footer.paragraphs[0]
    seal.text = export.footer
    seal.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pages = footer.add_paragraph(style="Footer")
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ")
    _field(pages, "PAGE", "1")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES", "1")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def statement_paragraphs_of(document: DocxDocument) -> list[str]:
    """The text of an exported DOCX, paragraph by paragraph, as ``reading_of`` gives it.

    Leaves out the details line and a separate title (their styles say which) and stops at the
    annex of signatories. A document made elsewhere, without these styles, reads in full.
    """
    paragraphs: list[str] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == ANNEX_HEADING_STYLE:
            break
        if style == DETAILS_STYLE:
            continue
        if style == TITLE_STYLE:
            continue  # the statement's title, above a text that does not open with it
        paragraphs.append(paragraph.text)
    return paragraphs


# --- PDF --------------------------------------------------------------------------------------


def _weasyprint() -> ModuleType:
    """WeasyPrint, loaded when first needed: it needs Pango, which a server may lack."""
    try:
        weasyprint = import_module("weasyprint")
    except (ImportError, OSError) as missing:
        raise ExportUnavailable(
            "PDF export is not available on this server (WeasyPrint or the Pango library it "
            "needs is missing). The Word and Markdown downloads work."
        ) from missing
    return weasyprint


def _spans_html(spans: Sequence[Span]) -> str:
    parts = []
    for span in spans:
        if span.text == "\n":
            parts.append("<br>")
            continue
        html: str = escape(span.text)
        if span.code:
            html = f"<code>{html}</code>"
        if span.italic:
            html = f"<em>{html}</em>"
        if span.bold:
            html = f"<strong>{html}</strong>"
        parts.append(html)
    return "".join(parts)


def blocks_html(blocks: Sequence[Block]) -> SafeString:
    """The text as HTML for print, block by block, every word escaped.

    Built from the same blocks as the DOCX rather than from the page's rendering, so that
    numbered paragraphs print the number they carry as text (a list that resumes at 5 prints
    5, which WeasyPrint's list counters would restart at 1) and are copied with the words.
    """
    parts = []
    for block in blocks:
        words = _spans_html(block.spans)
        depth = min(block.depth, 6)
        if block.kind == "heading":
            level = min(block.level, 6)
            parts.append(f"<h{level}>{words}</h{level}>")
        elif block.kind == "code":
            parts.append(f'<pre class="depth-{depth}">{words}</pre>')
        elif block.kind == "quote":
            parts.append(f"<blockquote><p>{words}</p></blockquote>")
        elif block.label:
            label = escape(block.label)
            kind = "numbered" if block.label[0].isdigit() else "dashed"
            parts.append(
                f'<p class="item {kind} depth-{depth}"><span class="label">{label}</span>'
                f"{words}</p>"
            )
        elif block.kind == "item":
            parts.append(f'<p class="item depth-{depth}">{words}</p>')
        else:
            parts.append(f"<p>{words}</p>")
    return mark_safe("\n".join(parts))  # every word above is escaped


def revision_html(statement: Statement, revision: Revision, signatures: Iterable[Signature]) -> str:
    """The page WeasyPrint lays out: the title block, the text, the annex, the running footer."""
    export = export_of(statement, revision, signatures)
    return render_to_string(
        "workflow/export.html", {"export": export, "text_html": blocks_html(export.blocks)}
    )


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> Any:
    # The page needs nothing from outside: the stylesheet is given, fonts are the system's.
    raise ValueError(f"No external resources in exports: {url[:80]}")


def revision_pdf(
    statement: Statement, revision: Revision, signatures: Iterable[Signature]
) -> bytes:
    """The revision as an A4 PDF, laid out by WeasyPrint with ``static/css/print.css``.

    Raises ``ExportUnavailable`` where WeasyPrint cannot be loaded.
    """
    weasyprint = _weasyprint()
    html = revision_html(statement, revision, signatures)
    stylesheet = finders.find("css/print.css")
    if not isinstance(stylesheet, str):
        raise ExportUnavailable("The print stylesheet css/print.css is missing.")
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=[])
    fetcher.fetch = _refuse_fetch
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=stylesheet, url_fetcher=fetcher)]
    )
    return pdf
