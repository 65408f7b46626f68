"""A chart's numbers rendered by `table_body` print each cell as `{{ cell }}` would."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone, translation

from core.templatetags.tables import table_body

CELLS = ["<b>Pod & co</b>", 3, 1.5, Decimal("1234.5"), dt.date(2026, 12, 1), None, "5/8"]


def test_each_cell_prints_as_the_template_would_in_each_language():
    moment = timezone.make_aware(dt.datetime(2026, 12, 1, 23, 30), dt.UTC)
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            for value in [*CELLS, moment]:
                expected = Template("{{ v }}").render(Context({"v": value}))
                html = table_body([["x", value]])
                assert html == f'<tr><th scope="row">x</th><td class="num">{expected}</td></tr>', (language, value)


def test_the_first_cell_heads_the_row_and_markup_is_escaped():
    html = table_body([["<i>A</i>", 1, 2], ["B", "c&d"]])
    assert html == (
        '<tr><th scope="row">&lt;i&gt;A&lt;/i&gt;</th><td class="num">1</td><td class="num">2</td></tr>'
        '<tr><th scope="row">B</th><td class="num">c&amp;d</td></tr>'
    )
