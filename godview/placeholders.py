"""Routes another area links to before that area has built them: they answer 404 until then."""

from django.http import Http404, HttpRequest, HttpResponse


def not_built_yet(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("This screen is not built yet.")
