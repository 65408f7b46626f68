"""`{% sort_th "MRR" "mrr" "client-table" "num" %}`: a column header that sorts its list (core.sorting):
a link that keeps the other parameters, the first click in the column's natural direction, the
next the other way; with htmx it swaps the table (`target`) and pushes the address. The view puts
`sort` (the parameter) and `sort_descending` (the rows' direction) in the context."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context, label: str, key: str, target: str, css: str = "") -> str:
    request = context["request"]
    current = context.get("sort", "")
    active = current.lstrip("-") == key
    descending = context.get("sort_descending", False)
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = key if active and current.startswith("-") else f"-{key}" if active else key
    href = f"?{query.urlencode()}"
    state = ("descending" if descending else "ascending") if active else "none"
    arrow = ("▼" if descending else "▲") if active else ""
    return format_html(
        '<th scope="col"{} aria-sort="{}"><a class="sort" href="{}" hx-get="{}" hx-target="#{}" hx-swap="outerHTML" '
        'hx-push-url="true">{}<span class="sort-arrow" aria-hidden="true">{}</span></a></th>',
        format_html(' class="{}"', css) if css else "",
        state,
        href,
        href,
        target,
        label,
        arrow,
    )
