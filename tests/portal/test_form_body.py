"""A form's body read in one pass (portal.form_body) gives what Django's QueryDict gives."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import Client, RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from portal import form_body
from portal.form_body import FORM, FormBodyMiddleware, parsed_form

# what a body may hold: the separators, escapes good and bad, Vietnamese, a byte not UTF-8
PIECES = ["&", "=", "+", "%", "%3A", "%22", "%C6%A0", "%C6", "%zz", "%2", "a", "B", "1", ".",
          ":", " ", "ơ", "Ư", "ạ", "\x00", ";", "value%3A1.1"]  # fmt: skip


def django_reads(body: bytes) -> QueryDict:
    return QueryDict(body, encoding="utf-8")


def assert_same(body: bytes) -> None:
    ours, django = parsed_form(body), django_reads(body)
    assert list(ours.lists()) == list(django.lists())
    assert ours.encoding == django.encoding == "utf-8"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_body_reads_as_djangos(pieces: list[str]):
    assert_same("".join(pieces).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_read_as_djangos_even_if_not_utf8(body: bytes):
    assert_same(body)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=20))
def test_a_form_encoded_as_browsers_encode_it_reads_back(fields: list[tuple[str, str]]):
    body = urlencode(fields).encode()
    assert_same(body)
    names = [name for name, _ in fields]
    grouped = sorted(fields, key=lambda field: names.index(field[0]))  # stable: in order
    assert [(n, v) for n, values in parsed_form(body).lists() for v in values] == grouped


@pytest.mark.parametrize(
    "body",
    [b"", b"&", b"a", b"a=", b"=b", b"a=1&a=2&b=3&a=4", b"a+b=c+d", b"%C6%A0=%E1%BA%A1",
     "ơ=ạ".encode(), b"a=%ZZ&b=%C6", b"\xff=\xfe", b"a=1;b=2"],
)  # fmt: skip
def test_the_edges_read_as_djangos(body: bytes):
    assert_same(body)


def test_what_it_gives_is_immutable_and_copies_as_djangos():
    form = parsed_form(b"a=1&a=2")
    with pytest.raises(AttributeError, match="immutable"):
        form["a"] = "3"
    copy = form.copy()
    copy["a"] = "3"
    assert copy.getlist("a") == ["3"] and form.getlist("a") == ["1", "2"]


@pytest.mark.parametrize("fields", [1000, 1001])
def test_the_number_of_fields_is_djangos_limit(fields: int):
    body = "&".join(f"f{i}=" for i in range(fields)).encode()
    if fields > 1000:  # DATA_UPLOAD_MAX_NUMBER_FIELDS, Django's default
        with pytest.raises(TooManyFieldsSent):
            django_reads(body)
        with pytest.raises(TooManyFieldsSent):
            parsed_form(body)
    else:
        assert_same(body)


def test_empty_fields_count_against_the_limit_as_djangos():
    body = b"a=1" + b"&" * 1000
    with pytest.raises(TooManyFieldsSent):
        django_reads(body)
    with pytest.raises(TooManyFieldsSent):
        parsed_form(body)


def test_only_short_names_are_kept_and_never_more_than_the_bound():
    form_body._name.cache_clear()
    long_name = "x%3A" * 50
    parsed_form(f"{long_name}=1&value%3A1=2".encode())
    assert form_body._name.cache_info().currsize == 1  # the short one
    body = "&".join(f"n%3A{i}=" for i in range(999)).encode()
    for _ in range(5):
        parsed_form(body)
    assert form_body._name.cache_info().currsize <= form_body.NAMES_KEPT


def seen_by_the_view(request: HttpRequest) -> dict[str, object]:
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(post=request.POST, files=request.FILES)
        return HttpResponse()

    FormBodyMiddleware(view)(request)
    return seen


def test_the_middleware_reads_a_forms_body_before_the_view():
    request = RequestFactory().post("/", "a=1&b=%C6%A0", content_type=FORM)
    seen = seen_by_the_view(request)
    assert list(seen["post"].lists()) == [("a", ["1"]), ("b", ["Ơ"])]  # type: ignore[attr-defined]
    assert not seen["files"]


def test_an_upload_is_left_to_django():
    upload = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.7", content_type="application/pdf")
    request = RequestFactory().post("/", {"a": "1", "file": upload})
    seen = seen_by_the_view(request)
    assert seen["post"]["a"] == "1"  # type: ignore[index]
    assert seen["files"]["file"].read() == b"%PDF-1.7"  # type: ignore[index]


def test_a_body_declared_in_another_charset_is_refused_by_django():
    request = RequestFactory().post("/", "a=1", content_type=f"{FORM}; charset=latin-1")
    with pytest.raises(BadRequest):
        seen_by_the_view(request)


def test_a_body_over_djangos_size_limit_is_refused_before_it_is_read(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    request = RequestFactory().post("/", "a=" + "1" * 200, content_type=FORM)
    with pytest.raises(RequestDataTooBig):
        seen_by_the_view(request)


@pytest.mark.django_db
def test_a_signed_in_form_posts_through_the_whole_stack(client):
    """The language switch: the CSRF check, then the view, read the body this way."""
    client.get("/tai-khoan/dang-nhap/")
    token = client.cookies["csrftoken"].value
    client_with_check = Client(enforce_csrf_checks=True)
    client_with_check.cookies = client.cookies
    answer = client_with_check.post(
        "/i18n/setlang/", {"language": "en", "next": "/ket-qua/", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302 and answer["Location"] == "/ket-qua/"
    assert answer.cookies["django_language"].value == "en"
