"""A form's body (`application/x-www-form-urlencoded`) read in one pass, into the same
`request.POST` Django would build.

Django reads such a body with `urllib.parse.parse_qsl`, then adds each field to a QueryDict
one call at a time, checking it as it goes. A self-assessment posts 4 fields a criterion,
321 for 80 criteria, and reading them cost the save about 1 ms of its 7, more than
composing and running its queries (docs/decisions.md, "A form's body read in one pass").
Here the body is split once, each name and value is decoded only if it holds a `%` or a `+`,
and the names, which every save of a form repeats, are decoded once per process and kept
(the short ones only, a bounded number).

What comes out is what Django's QueryDict gives for the same body, field for field and in
order: `tests/portal/test_form_body.py` compares them on generated bodies. The body is read
when Django would read it, the first time `request.POST` is asked for (`FormRequest`, the
request of the portal's WSGI handler), and its limits are Django's: its size
(DATA_UPLOAD_MAX_MEMORY_SIZE, checked as `request.body` is read) and its number of fields
(DATA_UPLOAD_MAX_NUMBER_FIELDS), raising the errors Django raises. Other bodies (multipart
uploads, JSON) are Django's."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.files.uploadedfile import UploadedFile
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

__all__ = ["FormRequest", "FormWSGIHandler", "parsed_form"]

FORM = "application/x-www-form-urlencoded"
# Names up to this long are decoded once and kept, as many as NAMES_KEPT: a form's names are
# short and few, and a body's own names cannot fill the memory.
NAME_KEPT_CHARS = 100
NAMES_KEPT = 4096

_name = lru_cache(maxsize=NAMES_KEPT)(unquote)


def parsed_form(body: bytes) -> QueryDict:
    """The fields of a form's body, as `QueryDict(body, encoding="utf-8")` reads them:
    immutable, every value of a repeated name kept in order, a name without `=` given an
    empty value; a body that is not UTF-8 read as Latin-1, and a `%` escape that is not
    UTF-8 replaced, as Django does. TooManyFieldsSent past DATA_UPLOAD_MAX_NUMBER_FIELDS."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        text = body.decode("iso-8859-1")  # as Django: "some user agents are misbehaving"
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and text and text.count("&") + 1 > limit:
        raise TooManyFieldsSent(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
        )
    fields: dict[str, list[str]] = {}
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        fields.setdefault(_decoded_name(name), []).append(_decoded(value))
    form = QueryDict(mutable=True, encoding="utf-8")
    # each name's list of values, as `setlist` keeps it, given at once: setlist would check
    # each name and value is text, which they are, one call each (a save: 0.3 ms of 0.7)
    dict.update(form, fields)
    form._mutable = False  # as Django leaves request.POST (QueryDict.fromkeys does the same)
    return form


def _decoded_name(name: str) -> str:
    if "+" in name:
        name = name.replace("+", " ")
    if "%" not in name:
        return name
    return _name(name) if len(name) <= NAME_KEPT_CHARS else unquote(name)


def _decoded(value: str) -> str:
    if "+" in value:
        value = value.replace("+", " ")
    return unquote(value) if "%" in value else value


class FormRequest(WSGIRequest):
    """Django's request, its form's body read by `parsed_form` when `request.POST` (or
    `request.FILES`) is first asked for, where Django would read it with its QueryDict: the
    same fields, the same errors at the same moment (the CSRF check's, an upload's own
    handlers set before, a JSON body never read as a form). Any other body, a charset other
    than UTF-8 (which Django refuses) and a stream already read are Django's as before."""

    def _load_post_and_files(self) -> None:
        if (
            self.method == "POST"
            and self.content_type == FORM
            and (self.encoding or "utf-8").lower() == "utf-8"
            and not (self._read_started and not hasattr(self, "_body"))  # type: ignore[attr-defined]  # Django's own, not in its stubs
        ):
            self._post = parsed_form(self.body)
            self._files: MultiValueDict[str, UploadedFile] = MultiValueDict()
            return
        super()._load_post_and_files()


class FormWSGIHandler(WSGIHandler):
    """Django's WSGI handler, each request a `FormRequest` (portal.wsgi)."""

    request_class = FormRequest
