"""The office's actions on several units of a campaign at once, from the progress table of
the campaign's page: remind the units ticked, extend them to one new deadline, download the
table as shown (its search and filters). Office admin of the province only: outsiders get
404, the province's other people 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.assessments import exports
from portal.assessments.campaign_page import CampaignPage, campaign_page, progress_query
from portal.assessments.deadlines import units_extend
from portal.assessments.forms import BulkForm
from portal.assessments.reminders import Reminded, units_remind
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.permissions import get_campaign_for_user, viewer_in
from portal.responses import attachment


@login_required
@require_POST
def progress_bulk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=True)
    back = redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#tien-do")
    form = BulkForm(campaign, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return back
    data = form.cleaned_data
    units = list(data["units"])
    matching = request.POST.get("matching", "")[:2000]
    if matching:  # "every unit the filters keep, on every page of the table"
        viewer = viewer_in(request.user, campaign.province_id)
        page = campaign_page(campaign, viewer, progress_query(QueryDict(matching)))
        units = [row.campaign_unit for view in page.levels for row in view.rows]
    try:
        if data["action"] == "remind":
            reminded = units_remind(campaign=campaign, campaign_units=units, actor=request.user)
            messages.success(request, remind_message(reminded))
        else:
            done = units_extend(
                campaign=campaign,
                campaign_units=units,
                until=data["until"],
                user=request.user,
                reason=data["reason"],
            )
            messages.success(
                request,
                ngettext(
                    "Đã gia hạn tự đánh giá cho %(count)d đơn vị đến %(until)s.",
                    "Đã gia hạn tự đánh giá cho %(count)d đơn vị đến %(until)s.",
                    len(done),
                )
                % {"count": len(done), "until": format_deadline(data["until"])},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return back


def remind_message(reminded: Reminded) -> str:
    """How many people were told, and which units chosen nobody could be told about."""
    text = ngettext(
        "Đã gửi thông báo nhắc tới %(count)d người của các đơn vị đã chọn.",
        "Đã gửi thông báo nhắc tới %(count)d người của các đơn vị đã chọn.",
        reminded.told,
    ) % {"count": reminded.told}
    if reminded.unreached:
        text += " " + gettext(
            "Chưa nhắc được %(units)s vì chưa có cán bộ đầu mối hay thủ trưởng đơn vị nào có "
            "tài khoản đang hoạt động: thêm người ở trang Người dùng, hoặc báo đơn vị bằng "
            "cách khác."
        ) % {"units": ", ".join(reminded.unreached)}
    return text


def progress_table(page: CampaignPage) -> tuple[list[str], list[list[exports.Cell]]]:
    """The progress table's columns as the page shows them, and its rows (those kept by the
    search and filters, in the page's order)."""
    header = [gettext("Khối"), gettext("Đơn vị"), gettext("Tự đánh giá"), gettext("Hạn")]
    header += [gettext("Thay đổi gần nhất")]
    if page.has_results:
        header += [gettext("Xếp hạng"), gettext("Tổng điểm"), gettext("Xếp loại")]
    rows: list[list[exports.Cell]] = []
    for view in page.levels:
        for row in view.rows:
            state = str(row.state_label) + (" · " + gettext("quá hạn") if row.late else "")
            line: list[exports.Cell] = [
                view.level.name,
                row.campaign_unit.unit.name,
                state,
                row.deadline,
                row.last_change,
            ]
            if page.has_results:
                result = row.result
                line += [result.rank, result.total, result.class_label] if result else ["", "", ""]
            rows.append(line)
    return header, rows


@login_required
@require_GET
def progress_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    campaign = get_campaign_for_user(request.user, pk, write=True)
    viewer = viewer_in(request.user, campaign.province_id)
    with translation.override("vi"):  # a Vietnamese file whatever the page's language
        page = campaign_page(campaign, viewer, progress_query(request.GET))
        header, rows = progress_table(page)
        name = f"tien-do-dot-{campaign.pk}.{fmt}"
        if fmt == "csv":
            return attachment(exports.progress_csv(header, rows), exports.CSV_TYPE, name)
        title = gettext("Tiến độ tự đánh giá — %(campaign)s") % {"campaign": campaign.title}
        return attachment(exports.progress_xlsx(header, rows, title), exports.XLSX_TYPE, name)
