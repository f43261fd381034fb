"""The canonical text, its hash, and rendering that cannot carry script."""

from __future__ import annotations

import hashlib

from drafts.text import canonical_text, content_hash, render_markdown, short_hash


def test_canonical_text_normalises_newlines_and_trailing_spaces() -> None:
    messy = "\r\n\r\nFirst line   \r\nSecond\tline\t\rThird\n\n\n"
    assert canonical_text(messy) == "First line\nSecond\tline\nThird\n"


def test_the_same_statement_hashes_the_same_whatever_the_editor_did() -> None:
    assert content_hash("A\r\nB  \n") == content_hash("A\nB\n\n")
    assert content_hash("A\nB\n") != content_hash("A\nC\n")
    assert content_hash("A\nB\n") == hashlib.sha256(b"A\nB\n").hexdigest()


def test_unicode_is_compared_in_nfc() -> None:
    composed = "Cura\u00e7ao"
    decomposed = "Curac\u0327ao"
    assert content_hash(composed) == content_hash(decomposed)


def test_short_hash_is_the_first_twelve_hex_digits() -> None:
    full = content_hash("text")
    assert short_hash(full) == full[:12]
    assert len(short_hash(full)) == 12


def test_markdown_renders_structure() -> None:
    html = render_markdown("# Title\n\n1. *Recalling* the **rights**\n")
    assert "<h1>Title</h1>" in html
    assert "<em>Recalling</em>" in html
    assert "<strong>rights</strong>" in html


def test_no_script_survives_rendering() -> None:
    attacks = [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
        '<svg onload="alert(1)"></svg>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ]
    for attack in attacks:
        html = render_markdown(attack)
        lowered = html.lower()
        assert "<script" not in lowered
        assert "onerror=" not in lowered.replace("&quot;", '"').split("&lt;")[0]
        assert '<a href="javascript:' not in lowered
        assert '<a href="data:' not in lowered
        assert "<iframe" not in lowered
        assert "<svg" not in lowered
