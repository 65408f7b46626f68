"""The product's own 403/404/500 pages in development too.

With `DEBUG` on, Django answers a 404 with its technical page (the URL list) and an exception with
a traceback page. A leader trying the demo should see what production shows, so unless
`DEBUG_PAGES` asks for Django's pages, this middleware renders the site's own templates. The
traceback still goes to the console log.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from godview import views

log = logging.getLogger("django.request")


def showing_product_pages() -> bool:
    return settings.DEBUG and not settings.DEBUG_PAGES


class ProductErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address no URL matches never reaches process_exception: Django answers it with the
        # technical 404 on the way out; ours replaces it.
        if response.status_code == 404 and showing_product_pages() and not getattr(response, "product_page", False):
            return views.page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not showing_product_pages():
            return None
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request, exception)
        log.exception("Internal Server Error: %s", request.path, exc_info=exception)
        return views.server_error(request)
