"""Pages of a region's annual report: the list, the form (live checks by htmx), the workflow,
the XLSX download and upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.views import MINE, THEIRS, require, section

from .. import permissions, selectors, services, xlsx
from ..forms import UploadForm
from ..models import NUMERIC_KINDS, Report
from ..validation import canonical_text, check, parse_value, rules_for


def _report(request, pk: int) -> Report:
    """From the user's scoped reports: another region's report is a 404, like a missing one."""
    return get_object_or_404(selectors.report_list(user=request.user), pk=pk)


@section("reporting")
@require(permissions.can_view_reports)
def index(request):
    reports = list(selectors.report_list(user=request.user))
    years = sorted({r.definition.year for r in reports}, reverse=True)
    return render(
        request,
        "reporting/report_list.html",
        {
            "by_year": [(year, [r for r in reports if r.definition.year == year]) for year in years],
            "status": selectors.year_status(user=request.user),
            "can_manage_rules": permissions.can_manage_rules(request.user),
        },
    )


def _form_rows(
    report: Report,
    values: dict[str, str],
    comments: dict[str, str],
    outcome,
    conflicts: dict | None = None,
    changed: dict | None = None,
    previous: dict[str, str] | None = None,
):
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for code, message in outcome.type_errors.items():
        errors.setdefault(code, []).append(message)
    for finding in outcome.errors:
        for code in finding.fields:
            errors.setdefault(code, []).append(finding.message)
    for finding in outcome.warnings:
        for code in finding.fields:
            warnings.setdefault(code, []).append(finding.message)
    sections: list[tuple[str, list[dict[str, Any]]]] = []
    for form_field in report.definition.fields.all():
        row = {
            "field": form_field,
            "label": _(form_field.label),
            "help": _(form_field.help_text) if form_field.help_text else "",
            "value": values.get(form_field.code, ""),
            "comment": comments.get(form_field.code, ""),
            "errors": errors.get(form_field.code, []),
            "warnings": warnings.get(form_field.code, []),
            "conflict": (conflicts or {}).get(form_field.code),
            "changed": (changed or {}).get(form_field.code),
            "previous": (previous or {}).get(form_field.code, ""),
        }
        label = _(form_field.section)
        if not sections or sections[-1][0] != label:
            sections.append((label, []))
        sections[-1][1].append(row)
    return sections


def _render_report(
    request,
    report: Report,
    *,
    values=None,
    comments=None,
    conflict=None,
    base_version: int | None = None,
    status=200,
    refused=False,
):
    """The report page; after a refused save with the user's input kept and, after a 409, the
    shared conflict table and the version the user's input was based on (so saving again
    without choosing is refused again)."""
    stored = {v.code: v for v in report.values.all()}
    kinds = {f.code: f.kind for f in report.definition.fields.all()}
    values = {c: input_text(kinds.get(c, ""), v.value) for c, v in stored.items()} | (values or {})
    comments = {c: v.comment for c, v in stored.items()} | (comments or {})
    outcome = check(fields=list(report.definition.fields.all()), values=values, comments=comments, rules=rules_for(report.definition.year))
    user = request.user
    by_field = {row["name"]: row for row in conflict["rows"]} if conflict else {}
    context = {
        "report": report,
        "sections": _form_rows(
            report,
            values,
            comments,
            outcome,
            by_field,
            selectors.changed_since_approval(report=report),
            selectors.previous_values(user=user, report=report),
        ),
        "conflict": conflict,
        "state_conflict": by_field.get("state"),
        "form_version": base_version if base_version is not None else report.version,
        "outcome": outcome,
        "refused": refused,
        "editable": permissions.may_edit_report_now(user, report),
        "can_submit": permissions.may_submit_report_now(user, report),
        "can_review": permissions.can_review_report(user, report),
        "history": selectors.value_history(report=report)[:50],
    }
    return render(request, "reporting/report_detail.html", context, status=status)


def input_text(kind: str, text: str) -> str:
    """A stored number as a Swede types it in a Swedish page ("33 000 000", "12,5"); unchanged
    in English and for texts and dates. The parser reads both forms back as the same value."""
    if not (get_language() or "").startswith("sv") or kind not in NUMERIC_KINDS:
        return text
    try:
        typed = parse_value(kind, text)
    except ValueError:
        return text
    if not isinstance(typed, Decimal):
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _point, decimals = digits.partition(".")
    grouped = f"{int(whole or 0):,}".replace(",", " ")
    return sign + grouped + ("," + decimals if decimals else "")


def _posted(request, report: Report) -> tuple[dict[str, str], dict[str, str]]:
    values, comments = {}, {}
    for form_field in report.definition.fields.all():
        if form_field.editable and f"value-{form_field.code}" in request.POST:
            values[form_field.code] = request.POST[f"value-{form_field.code}"]
        if f"comment-{form_field.code}" in request.POST:
            comments[form_field.code] = request.POST[f"comment-{form_field.code}"]
    return values, comments


def posted_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _posted_input(name: str, values: dict[str, str], comments: dict[str, str]) -> str | None:
    """The user's input for a conflict row (a value's code, or ``comment-<code>``), None if not posted."""
    if name.startswith("comment-"):
        return comments.get(name.removeprefix("comment-"))
    return values.get(name)


def _same_answer(report: Report, name: str, typed_text: str, stored_text: str) -> bool:
    """Whether what the user typed is the value stored then ("33 000 000" is 33000000)."""
    form_field = next((f for f in report.definition.fields.all() if f.code == name), None)
    if form_field is None or name.startswith("comment-"):
        return typed_text.strip() == stored_text
    return canonical_text(form_field.kind, typed_text) == stored_text


def _conflict(request, report: Report, values: dict[str, str], comments: dict[str, str], error: ConcurrentEditError) -> dict:
    """The shared conflict table for report values (``templates/partials/conflict.html``): per
    changed value or comment, the value then, yours, the stored one, who and when, and a choice.

    An input the user left as it was is preselected "take theirs"; a choice made before on this
    page is kept; a change the user cannot make here (the state, a computed result) has none."""
    labels = {f.code: _(f.label) for f in report.definition.fields.all()}
    rows = []
    for name, change in error.changed.items():
        yours = _posted_input(name, values, comments)
        choosable = yours is not None
        earlier = request.POST.get(f"resolve_{name}", "")
        if earlier in (MINE, THEIRS):
            choice = earlier
        elif choosable and _same_answer(report, name, yours or "", change.get("old", "")):
            choice = THEIRS
        else:
            choice = ""
        rows.append(
            {
                "name": name,
                "label": change.get("label") or labels.get(name, name),
                "then": change.get("old", ""),
                "yours": yours or "",
                "theirs": change.get("new", ""),
                "by": change.get("by", ""),
                "new": change.get("new", ""),
                "at": parse_datetime(change["at"]) if change.get("at") else None,
                "choosable": choosable,
                "choice": choice,
            }
        )
    return {"rows": rows, "version": error.current_version}


def _resolved(request, base: int | None, values: dict[str, str], comments: dict[str, str]) -> int | None:
    """After a conflict: the user's choices, then the version the save is based on.

    Only when every changed input has a choice (keep mine / take theirs) does the save move to
    the version the conflict page showed; otherwise it keeps the version the input was based on
    and is refused again. "Take theirs" leaves the stored value (or comment) as it is; "keep
    mine" saves the user's. Every input nobody else changed is saved as typed."""
    version = request.POST.get("conflict_version", "")
    if not version.isdigit():
        return base
    names = request.POST.getlist("conflict_fields")
    choices = {name: request.POST.get(f"resolve_{name}", "") for name in names}
    if any(choice not in (MINE, THEIRS) for choice in choices.values()):
        return base
    for name, choice in choices.items():
        if choice == THEIRS:
            if name.startswith("comment-"):
                comments.pop(name.removeprefix("comment-"), None)
            else:
                values.pop(name, None)
    return int(version)


@section("reporting")
@require(permissions.can_view_reports)
def report_detail(request, pk: int):
    report = _report(request, pk)
    if request.method != "POST":
        return _render_report(request, report)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    values, comments = _posted(request, report)
    base = posted_version(request)
    expected = _resolved(request, base, values, comments)
    try:
        report = services.report_update(report=report, values=values, comments=comments, expected_version=expected, actor=request.user)
        if request.POST.get("action") == "submit":
            report = services.report_submit(report=report, actor=request.user)
            messages.success(request, _("Submitted."))
        else:
            messages.success(request, _("Saved."))
    except services.SubmissionRefused:
        messages.error(request, _("Saved, but not submitted: fix the errors and comment the warnings."))
        return _render_report(request, _report(request, pk), status=400, refused=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        # Choices made on a conflict page stand: the input now rests on the version chosen against.
        return _render_report(request, report, values=values, comments=comments, base_version=expected, status=400)
    except ConcurrentEditError as error:
        messages.error(request, _("Someone else saved this report after you opened it. Nothing of yours was saved: choose below."))
        fresh = _report(request, pk)
        return _render_report(
            request,
            fresh,
            values=values,
            comments=comments,
            conflict=_conflict(request, fresh, values, comments, error),
            base_version=base,
            status=409,
        )
    except LockedError as error:
        messages.error(request, str(error))
        return _render_report(request, _report(request, pk), status=409)
    return redirect("reporting:report", pk=report.pk)


@require(permissions.can_view_reports)
@require_POST
def report_check(request, pk: int):
    """htmx: the rules over what is typed now (nothing saved)."""
    report = _report(request, pk)
    stored = {v.code: v for v in report.values.all()}
    values, comments = _posted(request, report)
    values = {c: v.value for c, v in stored.items()} | values
    comments = {c: v.comment for c, v in stored.items()} | comments
    outcome = check(fields=list(report.definition.fields.all()), values=values, comments=comments, rules=rules_for(report.definition.year))
    return render(request, "reporting/partials/findings.html", {"outcome": outcome})


@require(permissions.can_view_reports)
@require_POST
def report_action(request, pk: int, action: str):
    report = _report(request, pk)
    if not permissions.can_review_report(request.user, report):
        raise PermissionDenied
    try:
        if action == "approve":
            services.report_approve(report=report, actor=request.user, expected_version=posted_version(request))
            messages.success(request, _("Approved."))
        elif action == "return":
            services.report_return(
                report=report, actor=request.user, comment=request.POST.get("comment", ""), expected_version=posted_version(request)
            )
            messages.success(request, _("Returned to the region."))
        elif action == "reopen":
            services.report_reopen(
                report=report, actor=request.user, reason=request.POST.get("reason", ""), expected_version=posted_version(request)
            )
            messages.success(request, _("Reopened."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_report(request, report, status=400)
    except (ConcurrentEditError, LockedError) as error:
        messages.error(request, str(error))
        return _render_report(request, _report(request, pk), status=409)
    return redirect("reporting:report", pk=report.pk)


@require(permissions.can_view_reports)
def report_download(request, pk: int):
    report = _report(request, pk)
    response = HttpResponse(xlsx.report_workbook(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="alf-report-{report.region.code}-{report.definition.year}.xlsx"'
    return response


UPLOAD_SALT = "reporting.upload-preview"
UPLOAD_MAX_AGE = 24 * 3600  # seconds a preview may be applied after it was shown


def _preview_token(request, report: Report, upload: xlsx.Upload) -> str:
    """The preview itself, signed: the form of this tab carries exactly what it showed."""
    return signing.dumps(
        {"report": report.pk, "user": request.user.pk, "version": upload.version, "values": upload.values, "comments": upload.comments},
        salt=UPLOAD_SALT,
        compress=True,
    )


def _applied_preview(request, report: Report) -> dict[str, Any] | None:
    try:
        preview = signing.loads(request.POST.get("preview", ""), salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        return None
    if preview.get("report") != report.pk or preview.get("user") != request.user.pk:
        return None
    return preview


@section("reporting")
@require(permissions.can_view_reports)
def report_upload(request, pk: int):
    """Upload → preview field by field (with the rules' findings) → apply exactly that preview.

    The preview page's form carries the preview (signed), so each tab applies what it showed.
    A workbook without its version row, of another year or region, or older than the report is
    refused here, before any preview, naming why; apply refuses (409) if someone saved since."""
    report = _report(request, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("confirm"):
        preview = _applied_preview(request, report)
        if preview is None:
            messages.error(request, _("This preview is not valid (expired or not yours): upload the workbook again."))
            return render(request, "reporting/report_upload.html", {"report": report, "form": UploadForm()}, status=400)
        try:
            services.report_update(
                report=report,
                values=preview["values"],
                comments=preview["comments"],
                expected_version=preview["version"],
                actor=request.user,
            )
        except (ValidationError, ConcurrentEditError, LockedError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            status = 400 if isinstance(error, ValidationError) else 409
            return render(request, "reporting/report_upload.html", {"report": report, "form": UploadForm()}, status=status)
        messages.success(request, _("The workbook's values were saved."))
        return redirect("reporting:report", pk=report.pk)
    if request.method == "POST" and form.is_valid():
        try:
            upload = xlsx.read_upload(report, form.cleaned_data["file"])
        except xlsx.UploadError as error:
            form.add_error("file", str(error))
        else:
            refusal = xlsx.refusal(report, upload)
            if refusal:
                form.add_error("file", refusal)
            else:
                return _preview(request, report, upload)
    return render(request, "reporting/report_upload.html", {"report": report, "form": form}, status=400 if request.method == "POST" else 200)


def _preview(request, report: Report, upload: xlsx.Upload):
    """What applying the workbook changes, exactly (the same computation as the save), and the
    rules' findings over the report as it would then be."""
    try:
        changes = services.report_update_preview(report=report, values=upload.values, comments=upload.comments, actor=request.user)
    except ValidationError as error:
        problems = [f"{code}: {problem}" for code, found in error.message_dict.items() for problem in found]
        context = {"report": report, "form": UploadForm(), "problems": problems}
        return render(request, "reporting/report_upload.html", context, status=400)
    except LockedError as error:
        messages.error(request, str(error))
        return render(request, "reporting/report_upload.html", {"report": report, "form": UploadForm()}, status=409)
    stored = {v.code: v for v in report.values.all()}
    after = {c: v.value for c, v in stored.items()} | {c.code: c.after for c in changes}
    after_comments = {c: v.comment for c, v in stored.items()} | {c.code: c.comment_after for c in changes}
    outcome = check(
        fields=list(report.definition.fields.all()), values=after, comments=after_comments, rules=rules_for(report.definition.year)
    )
    context = {"report": report, "changes": changes, "outcome": outcome, "token": _preview_token(request, report, upload)}
    return render(request, "reporting/upload_preview.html", context)
