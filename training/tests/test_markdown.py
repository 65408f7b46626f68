"""Procedures are Markdown written in admin: rendering must never let script through."""

import pytest

from training.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "Hello <SCRIPT src='https://evil.test/x.js'></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.test" onclick="alert(1)">ok</a>',
    '<div onmouseover="alert(1)">raw html</div>',
    "<iframe src='https://evil.test'></iframe>",
    "<style>body{display:none}</style>",
    "![img](javascript:alert(1))",
    "<svg><script>alert(1)</script></svg>",
    "<a href='vbscript:msgbox(1)'>x</a>",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_markdown_cannot_inject_script(source):
    html = render_markdown(source).lower()
    for forbidden in (
        "<script",
        "javascript:",
        "vbscript:",
        "data:",
        "onerror",
        "onclick",
        "onmouseover",
        "<iframe",
        "<style",
        "<img",
        "<svg",
    ):
        assert forbidden not in html, (source, html)


def test_markdown_keeps_the_formatting_a_procedure_needs():
    html = render_markdown(
        "## Steps\n\n1. Call the client\n2. **Log** it\n\n"
        "[Standard](https://wiki.test/std)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Steps</h2>" in html
    assert "<ol>" in html and "<strong>Log</strong>" in html
    assert '<a href="https://wiki.test/std" rel="noopener noreferrer nofollow">Standard</a>' in html
    assert "<table>" in html


def test_raw_html_is_reduced_to_its_text():
    assert str(render_markdown('<div class="x" onmouseover="y">just text</div>')).strip() == "just text"


def test_an_empty_procedure_renders_nothing():
    assert render_markdown("") == ""
