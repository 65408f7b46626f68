"""Shared htmx helpers: when to answer with a partial instead of the whole page."""

from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """True for htmx requests that swap a region (not boosted, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def template_for(request: HttpRequest, template: str, partials: frozenset[str], default: str | None = None) -> str:
    """`template#partial` for an htmx request whose target is an allowed partial, else the page.

    The server chooses from the allowlist; the client never names a block directly.
    """
    if not wants_partial(request):
        return template
    target = request.htmx.target or default
    return f"{template}#{target}" if target in partials else template
