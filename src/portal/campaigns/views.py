"""Campaign pages: the list, a campaign's page, and the office admin's forms and buttons.
Each view fetches with permission, calls one service or selector, and responds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dti.documents.model import MAX_DOCUMENT_BYTES
from dti.reports import charts
from dti.reports.model import LevelReport
from dti.tables.reader import DEFAULT_MAX_BYTES as MAX_TABLE_BYTES
from portal.accounts.permissions import roles_for_unit
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.assessments.campaign_page import campaign_page, progress_query
from portal.campaigns import pages, schedule, services
from portal.campaigns.forms import (
    CampaignEditForm,
    CampaignForm,
    ExtensionForm,
    HistoricImportForm,
    LevelForm,
    ReportTemplateForm,
    ReportTextsForm,
    RoundForm,
    UnitsForm,
)
from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign
from portal.campaigns.permissions import (
    admin_provinces,
    get_campaign_for_user,
    get_campaign_report_for_user,
    get_campaign_unit,
    require_admin_provinces,
    viewer_in,
)
from portal.campaigns.report import FORMATS, campaign_report_model, has_report
from portal.campaigns.report_texts import (
    MAX_TEMPLATE_BYTES,
    report_template_remove,
    report_template_set,
    report_texts_save,
)
from portal.campaigns.selectors import campaigns_for_user, remark_slots
from portal.campaigns.tasks import report_build
from portal.jobs.services import job_start
from portal.publication.selectors import current_versions
from portal.units.models import Unit
from portal.workflow import ACTION_LABELS, CampaignState
from portal.workflow.confirm import guarded


def campaign_list(request: HttpRequest) -> HttpResponse:
    context = {
        "campaigns": campaigns_for_user(request.user),
        "can_create": bool(admin_provinces(request.user)),
    }
    return render(request, "campaigns/list.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's page for its province's people; anyone else following an old link to
    a published campaign is sent to its public page."""
    try:
        campaign = get_campaign_for_user(request.user, pk)
    except Http404:
        published = public_version_of(pk)
        if published is None:
            raise
        return redirect(published)
    viewer = viewer_in(request.user, campaign.province_id)
    page = campaign_page(campaign, viewer, progress_query(request.GET))
    context = {
        "page": page,
        "campaign": campaign,
        "downloads_report": viewer.downloads_report and page.has_results,
        # the analysis pages read final results, or a campaign's values as they stand
        "analyses": viewer.downloads_report and campaign.state != CampaignState.DRAFT,
        "edits_report": viewer.is_office_admin and page.has_results,
        "chart_levels": {v.level.level for v in page.levels if any(r.result for r in v.rows)},
    }
    return render(request, "campaigns/detail.html", context)


def public_version_of(pk: int) -> str | None:
    """The public page of the campaign's current published version (None when it has
    none): where someone outside the province lands from an old link."""
    current = current_versions().filter(campaign_id=pk).first()
    if current is None:
        return None
    campaign = current.campaign
    return reverse("public:version", args=[campaign.province.code, campaign.year])


@require_POST
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Start making the official report (a job: the worker makes it, the job's page shows
    its progress and then offers the file); a PDF that cannot be made says why there."""
    campaign = get_campaign_report_for_user(request.user, pk)
    if fmt not in FORMATS or not has_report(campaign):
        raise Http404(gettext("Đợt đánh giá chưa có kết quả để lập báo cáo."))
    job = job_start(
        report_build,
        user=request.user,
        params={"campaign": campaign.pk, "fmt": fmt},
        subject=gettext("Báo cáo chính thức (%(fmt)s) — %(campaign)s")
        % {"fmt": fmt.upper(), "campaign": campaign},
        back_url=reverse("campaigns:detail", args=[campaign.pk]),
    )
    return redirect("jobs:job", job.pk)


def chart(request: HttpRequest, pk: int, level: str, kind: str) -> HttpResponse:
    """A level's chart as the report draws it: units per class, each main index's average,
    or one unit's profile (`unit-<code>`). Whoever may read the campaign's page sees the
    level charts; a unit's profile, until the campaign is published, only those who may see
    that unit."""
    campaign = get_campaign_for_user(request.user, pk)
    unit_code = kind.removeprefix("unit-") if kind.startswith("unit-") else None
    if (kind not in ("classes", "indices") and unit_code is None) or not has_report(campaign):
        raise Http404(gettext("Không có biểu đồ này."))
    report = campaign_report_model(campaign, compare=False)  # a chart needs no last year
    found = [item for item in report.levels if item.code == level]
    if not found:
        raise Http404(gettext("Không có biểu đồ này."))
    shown = found[0]
    if unit_code is not None:
        png = _unit_profile_png(request, campaign, shown, unit_code)
    elif kind == "classes":
        png = charts.class_distribution(shown.classes, gettext("Xếp loại khối %s") % shown.name)
    else:
        title = gettext("Tỷ lệ điểm bình quân — khối %s") % shown.name
        png = charts.index_averages(shown.indices, title)
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, private=True, max_age=300)
    return response


def _unit_profile_png(
    request: HttpRequest, campaign: Campaign, level: LevelReport, unit_code: str
) -> bytes:
    profile = next((p for p in level.profiles if p.unit == unit_code), None)
    unit = Unit.objects.filter(province=campaign.province, code=unit_code).first()
    if profile is None or unit is None:
        raise Http404(gettext("Không có biểu đồ này."))
    published = campaign.state == CampaignState.PUBLISHED
    if not published and not roles_for_unit(request.user, campaign.province_id, unit.pk):
        raise Http404(gettext("Không có biểu đồ này."))
    return charts.unit_profile(profile, level.indices)


def _report_texts_page(
    request: HttpRequest,
    campaign: Campaign,
    texts_form: ReportTextsForm | None = None,
    template_form: ReportTemplateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    stored = getattr(campaign, "report_texts", None)
    if texts_form is None:
        initial = (
            {name: getattr(stored, name) for name in ReportTextsForm.base_fields} if stored else {}
        )
        remarks = stored.remarks if stored else {}
        initial |= {f"remark__{key}": text for key, text in remarks.items()}
        if stored:
            initial |= {f"grouping__{key}": value for key, value in stored.grouping.items()}
            initial |= {f"not_assessed__{key}": text for key, text in stored.not_assessed.items()}
        texts_form = ReportTextsForm(remark_slots(campaign), initial=initial)
    context = {
        "campaign": campaign,
        "form": texts_form,
        "template_form": template_form or ReportTemplateForm(),
        "template_name": stored.template_name if stored and stored.template else "",
    }
    return render(request, "campaigns/report_texts.html", context, status=status)


@login_required
def report_texts(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office's texts of the report: header, paragraphs, a remark per main index, and
    how the report is laid out (depth, grouping and not-assessed reason per level)."""
    campaign = get_campaign_for_user(request.user, pk, write=True)
    if request.method != "POST":
        return _report_texts_page(request, campaign)
    form = ReportTextsForm(remark_slots(campaign), request.POST)
    if form.is_valid():
        texts, remarks, layout = form.split()
        try:
            report_texts_save(
                campaign=campaign, user=request.user, texts=texts, remarks=remarks, layout=layout
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, gettext("Đã lưu văn bản báo cáo."))
            return redirect("campaigns:report_texts", campaign.pk)
    return _report_texts_page(request, campaign, texts_form=form)


@login_required
@require_POST
def report_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload the office's DOCX template; a faulty one is shown on the page, not kept."""
    campaign = get_campaign_for_user(request.user, pk, write=True)
    form = ReportTemplateForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["template"]
        content = upload.read(MAX_TEMPLATE_BYTES + 1)  # one byte past is enough to refuse
        try:
            report_template_set(
                campaign=campaign, user=request.user, content=content, file_name=upload.name
            )
        except ValidationError as error:
            form.add_error("template", error.messages)
        else:
            messages.success(request, gettext("Đã lưu mẫu báo cáo của Sở."))
            return redirect("campaigns:report_texts", campaign.pk)
    return _report_texts_page(request, campaign, template_form=form)


@login_required
@require_POST
def report_template_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    report_template_remove(campaign=campaign, user=request.user)
    messages.success(request, gettext("Đã bỏ mẫu báo cáo; báo cáo dùng mẫu mặc định."))
    return redirect("campaigns:report_texts", campaign.pk)


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CampaignForm(require_admin_provinces(request.user), request.POST or None)
    return pages.form_page(
        request,
        form,
        lambda data: services.campaign_create(user=request.user, **data),
        heading=gettext("Tạo đợt đánh giá"),
        done=gettext("Đã tạo đợt đánh giá."),
    )


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    initial = {f: getattr(campaign, f) for f in ("title", "self_assessment_deadline", "source")}
    form = CampaignEditForm(request.POST or None, initial=initial)
    before = campaign.self_assessment_deadline

    def apply(data: dict[str, Any]) -> Campaign:
        services.campaign_update(campaign=campaign, user=request.user, **data)
        pages.after_deadline_changed(campaign, before)
        return campaign

    return pages.form_page(
        request,
        form,
        apply,
        heading=gettext("Sửa thông tin đợt"),
        done=gettext("Đã lưu thông tin đợt."),
        campaign=campaign,
        confirm=lambda data, url: pages.deadline_confirmation(campaign, data, url),
    )


@login_required
def level_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    form = LevelForm(campaign, request.POST or None)

    def apply(data: dict[str, Any]) -> Campaign:
        services.campaign_level_add(campaign=campaign, user=request.user, **data)
        return campaign

    return pages.form_page(
        request,
        form,
        apply,
        heading=gettext("Thêm khối"),
        done=gettext("Đã thêm khối."),
        campaign=campaign,
    )


@login_required
def units_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    form = UnitsForm(campaign, request.POST or None)

    def apply(data: dict[str, Any]) -> Campaign:
        units = None if data["everyone"] else list(data["units"])
        services.campaign_units_add(
            campaign=campaign, level=data["level"], units=units, user=request.user
        )
        return campaign

    return pages.form_page(
        request,
        form,
        apply,
        heading=gettext("Thêm đơn vị vào đợt"),
        done=gettext("Đã thêm đơn vị."),
        campaign=campaign,
    )


@login_required
def round_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    form = RoundForm(request.POST or None, initial={"number": campaign.rounds.count() + 1})

    def apply(data: dict[str, Any]) -> Campaign:
        round = schedule.round_deadline_set(campaign=campaign, user=request.user, **data)
        pages.after_round_deadlines(campaign, round)
        return campaign

    return pages.form_page(
        request,
        form,
        apply,
        heading=gettext("Hạn các vòng thẩm định"),
        done=gettext("Đã lưu hạn thẩm định."),
        campaign=campaign,
        confirm=lambda data, url: pages.round_deadline_confirmation(campaign, data, url),
    )


@login_required
def extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    form = ExtensionForm(campaign, request.POST or None)

    def apply(data: dict[str, Any]) -> Campaign:
        schedule.campaign_unit_extend(
            campaign_unit=data["campaign_unit"],
            until=data["until"],
            user=request.user,
            reason=data["reason"],
        )
        pages.after_extension(data["campaign_unit"], data["until"])
        return campaign

    return pages.form_page(
        request,
        form,
        apply,
        heading=gettext("Gia hạn tự đánh giá cho đơn vị"),
        done=gettext("Đã gia hạn."),
        campaign=campaign,
        confirm=lambda data, url: pages.extension_confirmation(campaign, data, url),
    )


@login_required
@require_POST
def unit_remove(request: AuthenticatedHttpRequest, pk: int, campaign_unit_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    campaign_unit = get_campaign_unit(campaign, campaign_unit_pk)
    try:
        services.campaign_unit_remove(campaign_unit=campaign_unit, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("Đã bỏ %(unit)s khỏi đợt đánh giá.") % {"unit": campaign_unit.unit.name},
        )
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A workflow move, asked first (what it does, what blocks it: pages)."""
    campaign = get_campaign_for_user(request.user, pk, write=True)
    action = request.POST.get("action", "")
    if action not in ACTION_LABELS:
        raise Http404(gettext("Không có thao tác này."))
    if action == "publish":  # a published version is written there (portal.publication)
        return redirect("publication:manage", campaign.pk)
    return guarded(
        request,
        lambda: pages.transition_confirmation(campaign, action),
        lambda reason: pages.transition(campaign, action, request.user, reason),
        gettext("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[action]},
    )


@login_required
def historic_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    provinces = require_admin_provinces(request.user)
    form = HistoricImportForm(provinces, request.POST or None, request.FILES or None)

    def apply(data: dict[str, Any]) -> Campaign:
        upload = data.pop("table")
        # One byte past the readers' limit is enough for them to refuse a file too large.
        content = upload.read(max(MAX_TABLE_BYTES, MAX_DOCUMENT_BYTES) + 1)
        return historic_campaign_import(
            table_bytes=content, file_name=upload.name, user=request.user, **data
        )

    return pages.form_page(
        request,
        form,
        apply,
        heading=gettext("Nhập kết quả đã công bố của năm trước"),
        done=gettext("Đã nhập kết quả đã công bố."),
    )
