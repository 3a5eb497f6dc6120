"""The publication page of a campaign (office and leadership): what is published, the
request waiting for approval, publishing or correcting, and the province's settings."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from dti.reports.pdf import PdfError
from dti.signatures import SigningError
from portal.accounts.permissions import roles_in
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.campaigns.models import CampaignUnit
from portal.publication import services
from portal.publication.corrections import correction_log, result_correct
from portal.publication.forms import (
    CorrectionForm,
    PublishForm,
    RefuseForm,
    SettingsForm,
    SignedReportForm,
    UnitChoiceForm,
)
from portal.publication.models import Version
from portal.publication.permissions import campaign_for_publication
from portal.publication.report import report_to_sign, signed_report_of
from portal.publication.selectors import versions_of
from portal.publication.verify import max_bytes, signed_report_upload, status_label
from portal.responses import attachment
from portal.roles import Role
from portal.workflow.confirm import Confirmation, guarded

logger = logging.getLogger(__name__)


def _errors(form: forms.Form) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]


@login_required
def manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_publication(request.user, pk)
    held = roles_in(request.user, campaign.province_id)
    versions = versions_of(campaign)
    current = versions[0] if versions and versions[0].is_current else None
    signed = signed_report_of(current, content=False) if current is not None else None
    context = {
        "campaign": campaign,
        "current": current,
        "signed": signed,
        "signed_status": status_label(signed.status) if signed else "",
        "signed_form": SignedReportForm(campaign.province_id),
        "signed_max_mb": max_bytes() // (1024 * 1024),
        "is_office": Role.OFFICE_ADMIN in held,
        "is_leader": Role.LEADERSHIP in held,
        "versions": versions,
        "pending": services.pending_version(campaign),
        "problems": services.publication_problems(campaign),
        "settings": services.settings_of(campaign),
        "corrections": correction_log(campaign),
        "publish_form": PublishForm(),
        "refuse_form": RefuseForm(),
        "unit_form": UnitChoiceForm(campaign),
    }
    return render(request, "publication/manage.html", context)


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_publication(request.user, pk, role=Role.OFFICE_ADMIN)
    form = PublishForm(request.POST)
    back = reverse("publication:manage", args=[campaign.pk])
    if not form.is_valid():
        for text in _errors(form):
            messages.error(request, text)
        return redirect(back)
    current = services.current_version(campaign)
    needs_approval = services.settings_of(campaign).approval_required
    summary = (
        gettext("Kết quả của đợt sẽ được công bố cho mọi người xem trên cổng công khai.")
        if current is None
        else gettext(
            "Phiên bản %(number)s đang công bố sẽ được đánh dấu đã thay thế; người xem vẫn mở "
            "được nó, kèm nhật ký đính chính."
        )
        % {"number": current.number}
    )
    if needs_approval:
        summary = gettext("Đề nghị được gửi lãnh đạo tỉnh phê duyệt trước khi công bố.")
    confirmation = Confirmation(
        title=gettext("Gửi đề nghị công bố") if needs_approval else gettext("Công bố kết quả"),
        summary=summary,
        lines=[gettext("Bản đã công bố không sửa được; muốn sửa phải công bố phiên bản mới.")],
        action=reverse("publication:publish", args=[campaign.pk]),
        back=back,
    )
    note = form.cleaned_data["change_note"]
    done = gettext("Đã gửi đề nghị công bố.") if needs_approval else gettext("Đã công bố.")
    return guarded(
        request,
        confirmation,
        lambda _reason: services.publication_request(
            campaign=campaign, user=request.user, change_note=note
        ),
        done,
    )


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, version_pk: int) -> HttpResponse:
    version = get_object_or_404(Version, pk=version_pk)
    campaign = campaign_for_publication(request.user, version.campaign_id, role=Role.LEADERSHIP)
    confirmation = Confirmation(
        title=gettext("Phê duyệt và công bố"),
        summary=gettext("Kết quả đợt “%(title)s” sẽ được công bố cho mọi người xem.")
        % {"title": campaign.title},
        lines=[gettext("Bản đã công bố không sửa được; muốn sửa phải công bố phiên bản mới.")],
        action=reverse("publication:approve", args=[version.pk]),
        back=reverse("publication:manage", args=[campaign.pk]),
    )
    return guarded(
        request,
        confirmation,
        lambda _reason: services.publication_approve(version=version, user=request.user),
        gettext("Đã phê duyệt và công bố."),
    )


@login_required
@require_POST
def refuse(request: AuthenticatedHttpRequest, version_pk: int) -> HttpResponse:
    version = get_object_or_404(Version, pk=version_pk)
    campaign = campaign_for_publication(request.user, version.campaign_id, role=Role.LEADERSHIP)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.publication_refuse(
                version=version, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("Đã trả lại đề nghị công bố cho Sở chủ trì."))
    else:
        for text in _errors(form):
            messages.error(request, text)
    return redirect("publication:manage", campaign.pk)


@login_required
def correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose a unit (GET ?campaign_unit=), then change its main-index scores."""
    campaign = campaign_for_publication(request.user, pk, role=Role.OFFICE_ADMIN)
    chosen = UnitChoiceForm(campaign, request.GET or None)
    if not chosen.is_valid():
        messages.error(request, gettext("Hãy chọn một đơn vị có kết quả của đợt."))
        return redirect("publication:manage", campaign.pk)
    campaign_unit: CampaignUnit = chosen.cleaned_data["campaign_unit"]
    framework = campaign.levels.get(level=campaign_unit.level).framework.build()
    stored = campaign_unit.historic_result.index_scores
    indices = [
        (index.code, index.name, index.max, str(stored.get(index.code, "")))
        for index in framework.main_indices
    ]
    form = CorrectionForm(indices, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result_correct(
                campaign_unit=campaign_unit,
                scores=form.scores(),
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                gettext(
                    "Đã sửa kết quả của %(unit)s và xếp hạng lại khối. Người xem chỉ thấy sau "
                    "khi công bố phiên bản mới."
                )
                % {"unit": campaign_unit.unit.name},
            )
            return redirect("publication:manage", campaign.pk)
    context = {"campaign": campaign, "campaign_unit": campaign_unit, "form": form}
    return render(request, "publication/correct.html", context)


@login_required
def settings_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_publication(request.user, pk, role=Role.OFFICE_ADMIN)
    stored = services.settings_of(campaign)
    form = SettingsForm.of(stored, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.settings_save(campaign=campaign, user=request.user, **form.cleaned_data)
        messages.success(request, gettext("Đã lưu cài đặt công bố của tỉnh."))
        return redirect("publication:manage", campaign.pk)
    context = {"campaign": campaign, "form": form, "province": campaign.province}
    return render(request, "publication/settings.html", context)


def _published_version(
    request: AuthenticatedHttpRequest, version_pk: int, role: Role | None
) -> Version:
    version = get_object_or_404(Version.objects.select_related("campaign"), pk=version_pk)
    campaign_for_publication(request.user, version.campaign_id, role=role)
    if not version.is_public:
        raise Http404(gettext("Không tìm thấy phiên bản đã công bố."))
    return version


@login_required
@require_safe
def to_sign(request: AuthenticatedHttpRequest, version_pk: int) -> HttpResponse:
    """The PDF the portal made of the version's report, carrying the version's hash: the
    one to sign (the public may already be served the signed one)."""
    version = _published_version(request, version_pk, None)
    try:
        made = report_to_sign(version)
    except (PdfError, SigningError) as error:
        logger.warning("PDF report of version %s not made: %s", version.pk, error)
        messages.error(request, gettext("Chưa tạo được báo cáo PDF; hãy thử lại sau ít phút."))
        return redirect("publication:manage", version.campaign_id)
    return attachment(made.content, made.content_type, made.name)


@login_required
@require_POST
def signed_report(request: AuthenticatedHttpRequest, version_pk: int) -> HttpResponse:
    """The office uploads the signed PDF: kept only when it verifies; each refusal says
    which check failed."""
    version = _published_version(request, version_pk, Role.OFFICE_ADMIN)
    back = reverse("publication:manage", args=[version.campaign_id]) + "#bao-cao-ky-so"
    form = SignedReportForm(version.campaign.province_id, request.POST, request.FILES)
    if not form.is_valid():
        for text in _errors(form):
            messages.error(request, text)
        return redirect(back)
    upload = form.cleaned_data["pdf"]
    if upload.size is None or upload.size > max_bytes():  # before reading it
        limit = max_bytes() // (1024 * 1024)
        messages.error(request, gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit})
        return redirect(back)
    try:
        signed_report_upload(
            version=version,
            user=request.user,
            signer=form.cleaned_data["signer"],
            data=upload.read(),
            replace=form.cleaned_data["replace"],
        )
    except ValidationError as error:
        messages.error(request, gettext("Chưa nhận báo cáo đã ký số:"))
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("Đã nhận báo cáo đã ký số; cổng công khai phục vụ tệp này từ bây giờ."),
        )
    return redirect(back)
