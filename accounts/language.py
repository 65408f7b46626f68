"""The person's language: chosen from the menu (saved on the user), else the browser's.

Django's LocaleMiddleware picks the language before anyone is signed in (the menu's cookie, then
Accept-Language); `UserLanguageMiddleware`, after authentication, lets a signed-in person's own
choice win on every request, on every device.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen in LANGUAGE_CODES and chosen != request.LANGUAGE_CODE:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


@login_not_required
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language menu: remembered in a cookie (the login page) and on the user once signed in."""
    code = request.POST.get("language", "")
    if code not in LANGUAGE_CODES:
        return HttpResponseBadRequest(_("Unknown language."), content_type="text/plain; charset=utf-8")
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
