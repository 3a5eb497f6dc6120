"""A form's body read in one pass (portal.form_body) gives what Django's QueryDict gives."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from portal import form_body
from portal.form_body import FORM, FormRequest, parsed_form

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


def environ(body: bytes, content_type: str = FORM, stream: object = None) -> dict[str, object]:
    """A POST of `body` as a WSGI server hands it over; `stream`: instead of the body's."""
    built = RequestFactory().generic("POST", "/", body, content_type=content_type).environ
    if stream is not None:
        built["wsgi.input"] = stream
    return built


class Broken:
    """A body whose sender went away halfway."""

    def read(self, *_: object) -> bytes:
        raise OSError("connection reset")

    readline = read


def outcome(request: WSGIRequest) -> object:
    """What asking for request.POST gives: its fields, or the error's type."""
    try:
        return list(request.POST.lists()), list(request.FILES)
    except Exception as error:  # the type is what is compared
        return type(error)


@pytest.mark.parametrize(
    ("body", "content_type", "stream"),
    [
        (b"a=1&b=%C6%A0&a=2", FORM, None),
        (b"a=1", f"{FORM}; charset=UTF-8", None),
        (b"a=1", f"{FORM}; charset=latin-1", None),  # refused by Django: BadRequest
        ("&".join(["x=1"] * 1001).encode(), FORM, None),  # TooManyFieldsSent
        (b"a=" + b"1" * 6 * 1024 * 1024, FORM, None),  # RequestDataTooBig
        (b"a=1", FORM, Broken()),  # UnreadablePostError, which the CSRF check answers 403
        ('{"items": [], "source": "Sở KH&ĐT"}'.encode(), "application/json", None),
        (b"--x\r\n", "multipart/form-data; boundary=x", None),
    ],
    ids=["form", "utf-8", "latin-1", "too-many-fields", "too-big", "cut-off", "json", "upload"],
)
def test_the_portals_request_reads_a_body_as_djangos_does(body, content_type, stream):
    ours = FormRequest(environ(body, content_type, stream))
    django = WSGIRequest(environ(body, content_type, stream))
    assert outcome(ours) == outcome(django)


def test_a_body_is_read_only_when_its_fields_are_asked_for():
    """An upload sets its own handlers before the body is read (portal.assessments.uploads),
    which Django refuses once it is: a form posted there must not have been read first."""
    request = FormRequest(environ(b"csrfmiddlewaretoken=x"))
    request.upload_handlers = []  # AttributeError if the body had been read
    assert request.POST["csrfmiddlewaretoken"] == "x"


def test_a_stream_read_already_gives_no_fields_as_in_django():
    for kind in (FormRequest, WSGIRequest):
        request = kind(environ(b"a=1"))
        request.read()
        assert list(request.POST.lists()) == []


def test_the_portal_is_served_with_this_request():
    from portal.wsgi import application

    assert application.request_class is FormRequest
    # and the tests' client builds the same (tests/conftest.py)
    import django.test.client

    assert django.test.client.WSGIRequest is FormRequest


def test_an_upload_posted_as_a_plain_form_is_answered_not_failed(cast):
    """A page left open, the office's signature setting changed meanwhile: the plain form
    posts where a file was expected. Read before its handlers were set, it answered 500."""
    client = cast.client(cast.lan)
    target = reverse(
        "assessments:evidence_upload", args=[cast.noi_vu_campaign_unit.pk, "nts_ke_hoach"]
    )
    answer = client.post(target, "x=1", content_type=FORM, follow=True)
    assert answer.status_code == 200
    assert "Chọn một tệp để tải lên." in answer.content.decode()


@pytest.mark.django_db
def test_a_form_posts_through_the_whole_stack_with_the_csrf_check(client):
    """The language switch: the CSRF check, then the view, read the body this way (the
    tests' client builds the portal's request: tests/conftest.py)."""
    client.get("/tai-khoan/dang-nhap/")
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    token = client.cookies["csrftoken"].value
    answer = checked.post(
        "/i18n/setlang/",
        urlencode({"language": "en", "next": "/ket-qua/", "csrfmiddlewaretoken": token}),
        content_type=FORM,
    )
    assert answer.status_code == 302 and answer["Location"] == "/ket-qua/"
    refused = checked.post("/i18n/setlang/", "language=en", content_type=FORM)
    assert refused.status_code == 403


@pytest.mark.parametrize("limit", [None, 0, 1, 2])
@pytest.mark.parametrize("body", [b"", b"a", b"a&b", b"&"])
def test_any_field_limit_is_applied_as_django_applies_it(settings, limit, body):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = limit
    try:
        expected: object = list(django_reads(body).lists())
    except TooManyFieldsSent:
        expected = TooManyFieldsSent
    try:
        ours: object = list(parsed_form(body).lists())
    except TooManyFieldsSent:
        ours = TooManyFieldsSent
    assert ours == expected
