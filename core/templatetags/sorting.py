"""`{% sort_th "MRR" "mrr" "client-table" "num" %}`: a column header that sorts its list (core.sorting):
a link that keeps the other parameters, the first click in the column's natural direction, the
next the other way; with htmx it swaps the table (`target`) and pushes the address. The view puts
`sort` (the parameter) and `sort_descending` (the rows' direction) in the context; a second table
on the page names its own parameter, `param="pods_sort"`, with `pods_sort` and `pods_sort_descending`.
A lazily loaded region gives its own address, `path=`: its links go there and leave the page's
address alone (a fragment's address is no page's)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context, label: str, key: str, target: str, css: str = "", param: str = "sort", path: str = "") -> str:
    request = context["request"]
    current = context.get(param, "")
    active = current.lstrip("-") == key
    descending = context.get(f"{param}_descending", False)
    query = request.GET.copy()
    query.pop("page", None)
    query[param] = key if active and current.startswith("-") else f"-{key}" if active else key
    href = f"{path}?{query.urlencode()}"
    state = ("descending" if descending else "ascending") if active else "none"
    arrow = ("▼" if descending else "▲") if active else ""
    return format_html(
        '<th scope="col"{} aria-sort="{}"><a class="sort" href="{}" hx-get="{}" hx-target="#{}" hx-swap="outerHTML"{}>'
        '{}<span class="sort-arrow" aria-hidden="true">{}</span></a></th>',
        format_html(' class="{}"', css) if css else "",
        state,
        href,
        href,
        target,
        "" if path else mark_safe(' hx-push-url="true"'),
        label,
        arrow,
    )
