"""Confirmation before an irreversible action, without JavaScript: the button posts its
fields; without `confirmed=1` nothing happens and the page `confirm.html` says what will
happen and to whom, lists the blockers of the move (with the box "Vẫn thực hiện" and its
reason when none is hard) and repeats the fields with `confirmed=1` under a red button, with
a link back. Only that second post acts. Every view of such an action goes through
`guarded`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from portal.form_text import control_character_message
from portal.workflow.guards import Blocker, MoveBlocked

# The fields of the confirmation itself, never repeated from the first post.
MAX_REASON = 1000  # characters of an override's reason, kept in the audit trail
OWN_FIELDS = frozenset({"csrfmiddlewaretoken", "confirmed", "override", "override_reason"})


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says. `lines`: who is affected, one line each."""

    title: str  # the action, as on its button ("Kết thúc vòng 1")
    summary: str  # what will happen, in one sentence
    action: str  # the URL the button posts to
    back: str  # where "Quay lại" leads, and where the page goes after the action
    lines: Sequence[str] = ()
    blockers: Sequence[Blocker] = ()
    fields: Sequence[tuple[str, str]] = ()  # extra fields to post (beyond the first post's)
    error: str = ""

    @property
    def hard(self) -> bool:
        return any(b.hard for b in self.blockers)


@dataclass
class Posted:
    """The confirmation as posted: whether it was given, and the override asked for."""

    confirmed: bool
    override: bool
    reason: str
    fields: list[tuple[str, str]] = field(default_factory=list)


def posted(request: HttpRequest) -> Posted:
    data = request.POST
    return Posted(
        confirmed=data.get("confirmed") == "1",
        override=data.get("override") == "1",
        reason=" ".join(data.get("override_reason", "").split()),
        fields=[
            (name, value)
            for name, values in data.lists()
            if name not in OWN_FIELDS
            for value in values
        ],
    )


def page(request: HttpRequest, confirmation: Confirmation, status: int = 200) -> HttpResponse:
    """The confirmation page, its form repeating what was posted."""
    sent = posted(request)
    known = {name for name, _ in confirmation.fields}
    fields = [*confirmation.fields, *((n, v) for n, v in sent.fields if n not in known)]
    context = {"confirm": replace(confirmation, fields=fields), "reason": sent.reason}
    return render(request, "confirm.html", context, status=status)


def _reason_refusal(reason: str) -> str:
    """Why an override's reason cannot go into the audit trail ('' when it can): the same
    check as every form's text, and a length a reason needs."""
    if len(reason) > MAX_REASON:
        return gettext("Lý do dài quá: tối đa %(max)s ký tự (đã gõ %(count)s).") % {
            "max": MAX_REASON,
            "count": len(reason),
        }
    return control_character_message(reason) or ""


def guarded(
    request: HttpRequest,
    confirmation: Confirmation | Callable[[], Confirmation],
    act: Callable[[str], object],
    done: str,
) -> HttpResponse:
    """Ask first; act only on the confirmed post. `act` is given the reason to override
    the blockers ('' unless "Vẫn thực hiện" was ticked); a refusal by the guard rails shows
    the page again with every blocker, any other refusal goes back with the message."""
    sent = posted(request)
    made: list[Confirmation] = []

    def build() -> Confirmation:  # the blockers are read once, and only when shown
        if not made:
            made.append(confirmation() if callable(confirmation) else confirmation)
        return made[0]

    if not sent.confirmed:
        return page(request, build())
    if sent.override and not sent.reason:
        error = gettext("Ghi lý do vẫn thực hiện: lý do được lưu vào nhật ký thay đổi.")
        return page(request, replace(build(), error=error), status=400)
    unkept = _reason_refusal(sent.reason) if sent.override else ""
    if unkept:
        return page(request, replace(build(), error=unkept), status=400)
    try:
        act(sent.reason if sent.override else "")
    except MoveBlocked as blocked:
        refused = replace(build(), blockers=blocked.blockers)
        return page(request, replace(refused, error=_why_not_done(refused, sent)), status=409)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(build().back)
    messages.success(request, done)
    return redirect(build().back)


def _why_not_done(refused: Confirmation, sent: Posted) -> str:
    """In words, why a confirmed post did nothing: the page shows the blockers again, and
    without this line the person would see the same page and think it had worked."""
    if refused.hard:  # the page says to deal with them first; nothing to tick
        return ""
    if not sent.override:
        return gettext(
            "Chưa thực hiện. Đánh dấu “Vẫn thực hiện” để làm dù còn các điều dưới đây; "
            "lý do được lưu vào nhật ký thay đổi."
        )
    return gettext("Chưa thực hiện: còn các điều dưới đây. Xem lại rồi thực hiện lại.")
