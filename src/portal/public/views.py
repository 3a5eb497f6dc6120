"""The public results portal (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


landing = search = province = version = methodology = corrections = _missing
ranking = compare = unit = _missing
