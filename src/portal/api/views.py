"""The API at /api/ (django-ninja): the same objects and the same permission rules as the
portal's pages, as JSON, described by /api/openapi.json. See docs/portal-api.md. Reads use
the portal's session; the one write, POST /api/indicators, another system's token."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from portal.api import schemas
from portal.api.public_api import router as public_router
from portal.api.selectors import (
    answers_of,
    campaign_units_for_user,
    campaign_with_plan,
    framework_with_tree,
    units_of_province,
)
from portal.assessments.permissions import get_campaign_unit_for_user
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.permissions import get_campaign_for_user
from portal.campaigns.selectors import campaigns_for_user
from portal.frameworks.permissions import get_framework_for_user
from portal.indicators import services as indicators
from portal.indicators.models import ApiToken
from portal.indicators.permissions import get_campaign_for_token
from portal.indicators.rows import MAX_BYTES, ImportRefused, read_json_document
from portal.publication.selectors import framework_published
from portal.units.permissions import get_province_for_user


class ImportBody(Parser):
    """Bodies are read by the import's own JSON reader (portal.indicators.rows), within its
    limits of size, depth, numbers and characters, so a hostile body gets the import's
    400 naming the item and field, never Ninja's "Cannot parse request body" or a 500.
    The schema validates a copy whose numbers are their text; the import reads the body
    again, exactly, through the one number reader."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        document = read_json_document(request.body)
        parsed: dict[str, Any] = _numbers_as_text(document)
        return parsed


def _numbers_as_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _numbers_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers_as_text(item) for item in value]
    return value


api = NinjaAPI(
    parser=ImportBody(),
    title="DTI API",
    version="1",
    description="Đọc đợt đánh giá, đơn vị, bộ chỉ số và kết quả tự đánh giá của tỉnh.",
    urls_namespace="api:v1",  # nested in the app namespace "api" of portal/api/urls.py
    # Ninja's docs page loads Swagger UI from a CDN unless "ninja" is an installed app:
    # nothing may come from outside at run time, so there is no docs page.
    docs_url=None,
)
api.add_router("/cong-khai/", public_router)  # published results, for anyone (public_api.py)
NOT_FOUND = {404: schemas.ErrorOut}
LOGIN = {401: schemas.ErrorOut, 404: schemas.ErrorOut}


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": gettext("Không tìm thấy.")}, status=404)


@api.exception_handler(AuthenticationError)
def login_required(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": gettext("Cần đăng nhập.")}, status=401)


@api.get("/campaigns", response=list[schemas.CampaignOut])
def campaigns(request: HttpRequest) -> Any:
    """The campaigns of the provinces where you hold a role; for visitors, the published ones."""
    return campaigns_for_user(request.user)


@api.get("/campaigns/{campaign_id}", response={200: schemas.CampaignDetailOut, **NOT_FOUND})
def campaign(request: HttpRequest, campaign_id: int) -> Any:
    """A campaign with its levels (and their frameworks), deadlines and state."""
    return campaign_with_plan(get_campaign_for_user(request.user, campaign_id))


@api.get(
    "/campaigns/{campaign_id}/units", response={200: list[schemas.CampaignUnitOut], **NOT_FOUND}
)
def campaign_units(request: HttpRequest, campaign_id: int) -> Any:
    """The units in the campaign's scope, with the submission state of those you may see."""
    return campaign_units_for_user(request.user, get_campaign_for_user(request.user, campaign_id))


@api.get("/units", auth=django_auth, response={200: list[schemas.UnitOut], **LOGIN})
def units(request: HttpRequest, province: str) -> Any:
    """The unit registry of a province (its code), for people holding a role there."""
    return units_of_province(get_province_for_user(request.user, province))


@api.get("/frameworks/{framework_id}", response={200: schemas.FrameworkOut, **NOT_FOUND})
def framework(request: HttpRequest, framework_id: int) -> Any:
    """A framework version: the stored document and its tree with every node's max points."""
    version = get_framework_for_user(request.user, framework_id, published=framework_published)
    return framework_with_tree(version)


@api.get(
    "/campaign-units/{campaign_unit_id}/answers",
    auth=django_auth,
    response={200: schemas.AnswersOut, **LOGIN},
)
def answers(request: HttpRequest, campaign_unit_id: int) -> Any:
    """A unit's self-assessment answers, notes and evidence metadata: for its reporter and
    approver, and the province's office admins, appraisers and leadership."""
    return answers_of(get_campaign_unit_for_user(request.user, campaign_unit_id))


# ---- pushing system values with a token (docs/portal-indicators.md) -----------------------


class TokenRefused(AuthenticationError):
    """No valid token: missing, wrong or revoked (which of them is not said)."""


class TokenExpired(AuthenticationError):
    """The right token, past its expiry: said, with when (only its holder can learn it)."""

    def __init__(self, token: ApiToken):
        super().__init__()
        self.expires_at = token.expires_at


class PushToken(HttpBearer):
    """`Authorization: Bearer <token>`, a token an office admin created on
    /chi-so-he-thong/tinh/<province>/ma-truy-cap/."""

    def __call__(self, request: HttpRequest) -> ApiToken:
        token: ApiToken | None = super().__call__(request)
        if token is None:
            raise TokenRefused
        return token

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = indicators.api_token_find(text=token)
        if found is not None and found.expired:
            raise TokenExpired(found)
        return found


@api.exception_handler(TokenRefused)
def token_refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = gettext(
        "Cần mã truy cập hợp lệ (tiêu đề Authorization: Bearer kèm mã); mã sai hoặc đã thu "
        "hồi không dùng được."
    )
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(TokenExpired)
def token_expired(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, TokenExpired)
    message = gettext(
        "Mã truy cập đã hết hạn lúc %(at)s: không dùng được nữa. Hãy đề nghị quản trị của "
        "Sở chủ trì tạo mã mới."
    ) % {"at": format_deadline(exc.expires_at)}
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(HttpError)
def body_refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Ninja wraps a parser's exception in HttpError(400): an ImportRefused is answered
    like a refused import; every other HttpError as Ninja answers it."""
    if isinstance(exc.__cause__, ImportRefused):
        return api.create_response(request, _refusal(exc.__cause__), status=400)
    status = exc.status_code if isinstance(exc, HttpError) else 500
    return api.create_response(request, {"detail": str(exc)}, status=status)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = gettext("Dữ liệu quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
    return api.create_response(request, {"detail": message}, status=413)


PUSH_REFUSALS = {401: schemas.ErrorOut, 404: schemas.ErrorOut, 409: schemas.ErrorOut}


@api.post(
    "/indicators",
    auth=PushToken(),
    response={200: schemas.ImportedOut, 400: schemas.ImportErrorOut, **PUSH_REFUSALS},
)
def indicators_push(request: HttpRequest, payload: schemas.SystemValuesIn) -> Any:
    """Push the values of system-sourced criteria for units of a campaign (the format of a
    JSON upload): all of them are written, or none (400, every problem with its item)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]  # set by django-ninja once PushToken accepts
    campaign = get_campaign_for_token(token, payload.campaign)
    try:
        batch = indicators.system_values_push(campaign=campaign, token=token, data=request.body)
    except ImportRefused as refused:
        return 400, _refusal(refused)
    except ValidationError as error:  # the campaign takes no values now
        return 409, {"detail": " ".join(error.messages)}
    return 200, {
        "batch": batch.pk,
        "campaign": campaign.pk,
        "count": batch.count,
        "source": batch.source,
        "at": batch.at,
    }


def _refusal(refused: ImportRefused) -> dict[str, Any]:
    detail = gettext("Chưa nhập gì: %(count)s lỗi.") % {"count": len(refused.problems)}
    errors = [
        {"row": problem.row, "column": problem.column, "message": problem.message}
        for problem in refused.problems
    ]
    return {"detail": detail, "errors": errors}
