"""Open data of a version (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


datapackage = report = table_file = _missing
