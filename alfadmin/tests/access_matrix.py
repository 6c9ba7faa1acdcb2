"""Who may reach what: the expected answer of every page and API operation for every demo role.

Read by `test_access_matrix.py`, which discovers the URL conf and the OpenAPI schema and fails
for any URL pattern or operation without its line here. One line per URL name (`PAGES`) or
per schema operation (`API`, "METHOD /path"):

- `args`: each path parameter and the demo object that fills it (see `_objects()` in the
  test: `report`, `region`, `bibliometrics` and `report_history` are per region);
- `scoped=True`: the object belongs to a region, so the line is tried on STH's and on ORE's
  object; a reporter's answer on the other region's is the rule's `other_region`;
- a `Rule` per method: the roles that pass (`ok`, the answer they get with the empty or
  invalid body the test sends), the others' answer (`denied`, 403 unless said), anonymous
  (the login page for pages, 401 for the API) and per-role exceptions (`special`, on the
  role's own region when the line is scoped).

The roles, from README's table: administrators change the registry and publish; GUNS members
record GUNS decisions (`guns` chairs); `vr` enters evaluations; reporters see and edit only
their own region's reports; the viewer reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LOGIN = "login page"  # a redirect to the login page

SIGNED_IN = ("admin", "guns", "guns2", "vr", "sth", "ore", "viewer")
ROLES = (*SIGNED_IN, "anonymous")
REPORTER_REGION = {"sth": "STH", "ore": "ORE"}
ALL_REGIONS = ("ORE", "OST", "SKA", "STH", "UPP", "VBN", "VGR")  # the demo's seven

EVERYONE = frozenset(SIGNED_IN)
ADMIN = frozenset({"admin"})
GUNS = frozenset({"admin", "guns", "guns2"})  # administrators and GUNS members
CHAIR = frozenset({"admin", "guns"})  # administrators and the GUNS chair
EVALUATORS = frozenset({"admin", "vr"})
REPORT_EDITORS = frozenset({"admin", "sth", "ore"})  # with scoped=True: a reporter on its own region only

YEAR = 2026  # a budget year of the registry and the allocations
GUNS_YEAR = 2025  # the demo's GUNS year
REPORT_YEAR = 2025  # the demo's open (draft) reports


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    ok: int = 200
    denied: int = 403
    other_region: int | None = None
    anonymous: int | str | None = None
    special: Mapping[str, int | str] = field(default_factory=dict)

    def expect(self, role: str, *, own: bool | None, api: bool) -> int | str:
        if role == "anonymous":
            if self.anonymous is not None:
                return self.anonymous
            return 401 if api else LOGIN
        if own is False and self.other_region is not None:
            return self.other_region
        if role in self.special:
            return self.special[role]
        return self.ok if role in self.allowed else self.denied


def read(ok: int = 200, **kwargs) -> Rule:
    """Every signed-in role reads."""
    return Rule(EVERYONE, ok, **kwargs)


def only(roles: frozenset[str], ok: int = 200, **kwargs) -> Rule:
    return Rule(roles, ok, **kwargs)


@dataclass(frozen=True)
class Page:
    get: Rule
    post: Rule | None = None  # None: the page writes nothing, no POST is tried
    args: Mapping[str, str] = field(default_factory=dict)
    query: str = ""  # may name demo objects: "?from={prev_run}"
    scoped: bool = False
    api: bool = False  # an API URL the schema does not describe: 401 for anonymous


@dataclass(frozen=True)
class Op:
    rule: Rule
    args: Mapping[str, str] = field(default_factory=dict)
    query: str = ""
    scoped: bool = False
    body: object = field(default_factory=dict)


# Never in the matrix, and why.
# Static files need no line: WhiteNoise serves them outside the URL conf.
SKIPPED_ROUTES = {  # by the start of the route
    "admin/": "Django admin's own views: its own permission system, tested in alfadmin/tests/test_admin.py",
}
SKIPPED_NAMES = {
    "api-schema": "the OpenAPI document itself (drf-spectacular's view)",
    "api-docs": "the Swagger UI over the schema (drf-spectacular's view)",
}

# A draft round's ratings: its editors' and, on its own region, a reporter's; to others they do not exist.
DRAFT_RESULTS = Rule(EVALUATORS | {"sth", "ore"}, denied=404, other_region=404)
ADMIN_FORM = dict(get=only(ADMIN), post=only(ADMIN, 400))  # an administrator's edit form: invalid → 400
EVALUATION_FORM = dict(get=only(EVALUATORS), post=only(EVALUATORS, 400))

PAGES: dict[str, Page] = {
    # -------- registry (alfadmin)
    "overview": Page(read()),
    "healthz": Page(read(anonymous=200)),
    "login": Page(read(302, anonymous=200), post=read(302, anonymous=200)),
    "logout": Page(read(405, anonymous=405), post=read(LOGIN, anonymous=LOGIN)),
    "set_language": Page(read(302, anonymous=302), post=read(302, anonymous=302)),
    "data": Page(read()),
    "regions": Page(read()),
    "region-detail": Page(read(), args={"code": "region"}, scoped=True),  # the registry's page: every region open to all
    "universities": Page(read()),
    "university-create": Page(**ADMIN_FORM),
    "university-detail": Page(read(), args={"code": "university"}),
    "university-edit": Page(**ADMIN_FORM, args={"code": "university"}),
    "budget-years": Page(read()),
    "budget-year-create": Page(**ADMIN_FORM),
    "budget-year-edit": Page(**ADMIN_FORM, args={"year": "year"}),
    "students": Page(read()),
    "student-count-create": Page(**ADMIN_FORM),
    "student-count-edit": Page(**ADMIN_FORM, args={"pk": "student"}),
    "share-tables": Page(read()),
    "share-table-edit": Page(**ADMIN_FORM, args={"kind": "share_kind"}),
    "agreement-periods": Page(read()),
    "agreement-period-edit": Page(**ADMIN_FORM, args={"pk": "period"}),
    "change-log": Page(read()),
    # A rating of a draft round: its history, like the rating, is its editors' and its own region's.
    "change-detail": Page(
        DRAFT_RESULTS,
        args={"model": "history_model", "history_id": "draft_rating_history"},
        scoped=True,
    ),
    # -------- allocations
    "allocations:overview": Page(read()),
    "allocations:live": Page(read()),
    "allocations:region": Page(read(), args={"code": "region"}, scoped=True),
    "allocations:runs": Page(read()),
    "allocations:run": Page(read(), args={"pk": "run"}),
    "allocations:rerun": Page(read(405), post=read(), args={"pk": "run"}),
    "allocations:projections": Page(read()),
    "allocations:projections-xlsx": Page(read()),
    "allocations:projection-why": Page(read(), query=f"?year={YEAR + 2}"),
    "allocations:compare": Page(read()),
    "allocations:diff": Page(read(), query="?from={prev_run}&to={run}"),
    "allocations:risk": Page(read()),
    "allocations:export-csv": Page(read(), args={"year": "year"}),
    "allocations:export-xlsx": Page(read(), args={"year": "year"}),
    "allocations:publish": Page(only(ADMIN, 405), post=only(ADMIN, 302), args={"year": "year"}),
    "allocations:confirm": Page(only(ADMIN, 405), post=only(ADMIN, 302), args={"year": "year"}),
    # Nothing of the year is published in the demo: nothing to reopen.
    "allocations:reopen": Page(only(ADMIN, 404), post=only(ADMIN, 404), args={"year": "year"}),
    "allocations:scenarios": Page(read()),
    "allocations:scenario-new": Page(read(), query=f"?year={YEAR}"),
    # The explorer computes, it stores nothing: an empty form comes back with its errors (200).
    "allocations:scenario-compute": Page(read(405), post=read()),
    # Without a base year and a model there is nothing to switch to.
    "allocations:scenario-switch": Page(read(405), post=read(404)),
    "allocations:scenario-save": Page(read(405), post=read(400)),
    # The unsaved scenario's downloads are of the posted form; a GET names none.
    "allocations:scenario-json": Page(read(404), post=read()),
    # An XLSX of invalid inputs is refused with a message on the scenario list.
    "allocations:scenario-xlsx": Page(read(404), post=read(302)),
    "allocations:scenario": Page(read(), args={"pk": "scenario"}),
    # The scenario belongs to guns2: its owner and administrators delete it.
    "allocations:scenario-delete": Page(read(405), post=only(frozenset({"admin", "guns2"}), 302), args={"pk": "scenario"}),
    "allocations:saved-scenario-json": Page(read(), args={"pk": "scenario"}),
    "allocations:saved-scenario-xlsx": Page(read(), args={"pk": "scenario"}),
    # -------- evaluations
    "evaluations:index": Page(read()),
    "evaluations:round-create": Page(**EVALUATION_FORM),
    # The test's draft round (the demo's are finalized, frozen: their editors would only be sent back).
    "evaluations:round": Page(read(), args={"pk": "draft_round"}),
    "evaluations:round-edit": Page(**EVALUATION_FORM, args={"pk": "draft_round"}),
    "evaluations:round-grid": Page(**EVALUATION_FORM, args={"pk": "draft_round"}),
    "evaluations:round-grid-check": Page(read(405, anonymous=405), post=only(EVALUATORS), args={"pk": "draft_round"}),
    # The confirmation page (who forfeits, what is missing); a POST without "confirmed" shows it again.
    "evaluations:round-finalize": Page(only(EVALUATORS), post=only(EVALUATORS), args={"pk": "draft_round"}),
    "evaluations:round-reopen": Page(read(405, anonymous=405), post=only(ADMIN, 400), args={"pk": "round"}),
    "evaluations:round-follow-up": Page(read(), args={"pk": "round"}),
    "evaluations:region": Page(read(), args={"code": "region"}, scoped=True),
    "evaluations:bibliometrics": Page(read()),
    "evaluations:bibliometrics-create": Page(**EVALUATION_FORM),
    "evaluations:bibliometrics-edit": Page(**EVALUATION_FORM, args={"pk": "bibliometrics"}, scoped=True),
    "evaluations:bibliometrics-import": Page(**EVALUATION_FORM),
    # Nothing previewed in this session: back to the import page.
    "evaluations:bibliometrics-import-confirm": Page(read(405, anonymous=405), post=only(EVALUATORS, 302)),
    # The template serves the import, which is VR's.
    "evaluations:bibliometrics-template": Page(only(EVALUATORS), args={"fmt": "fmt"}),
    "evaluations:co-publication-create": Page(**EVALUATION_FORM),
    # -------- GUNS
    "guns:index": Page(read()),
    "guns:decisions": Page(read()),
    "guns:decision_create": Page(only(GUNS), post=only(GUNS, 400)),
    "guns:decision": Page(read(), args={"pk": "draft_decision"}),
    "guns:decision_edit": Page(only(CHAIR), post=only(CHAIR, 400), args={"pk": "draft_decision"}),
    # The payment form lives on the decision's page, where every answer returns.
    "guns:payment_create": Page(only(ADMIN, 302), post=only(ADMIN, 302), args={"pk": "adopted_decision"}),
    # A refused transition comes back to the decision with the reason as a message.
    "guns:decision_transition": Page(read(302), post=only(GUNS, 302), args={"pk": "agenda_decision", "action": "transition"}),
    "guns:meetings": Page(read()),
    "guns:meeting_create": Page(only(GUNS), post=only(GUNS, 400)),
    "guns:meeting": Page(read(), args={"pk": "meeting"}),
    "guns:meeting_edit": Page(only(GUNS), post=only(GUNS, 400), args={"pk": "meeting"}),
    "guns:agenda_add": Page(only(GUNS, 302), post=only(GUNS, 302), args={"pk": "meeting"}),
    "guns:minutes": Page(read(), args={"pk": "minuted_meeting"}),
    # The demo's minutes are approved: frozen, the editors are sent back to them.
    "guns:minutes_edit": Page(only(GUNS, 302), post=only(GUNS, 302), args={"pk": "minuted_meeting"}),
    "guns:pot": Page(read()),
    "guns:annual_report": Page(read()),
    "guns:annual_report_year": Page(read(), args={"year": "guns_year"}),
    "guns:annual_report_xlsx": Page(read(), args={"year": "guns_year"}),
    "guns:annual_report_introduction": Page(only(CHAIR), post=only(CHAIR, 400), args={"year": "guns_year"}),
    "guns:follow_up": Page(read()),
    "guns:follow_up_round": Page(read(), args={"pk": "round"}),
    # The entry form lives on the round's follow-up page, where every answer returns.
    "guns:follow_up_entry_create": Page(only(GUNS, 302), post=only(GUNS, 302), args={"pk": "round", "code": "region"}, scoped=True),
    "guns:follow_up_entry_edit": Page(only(GUNS), post=only(GUNS, 400), args={"pk": "follow_up_entry"}),
    "guns:settings": Page(only(ADMIN), post=only(ADMIN, 400)),
    "guns:member_create": Page(only(ADMIN), post=only(ADMIN, 400)),
    "guns:member_edit": Page(only(ADMIN), post=only(ADMIN, 400), args={"pk": "member"}),
    # -------- annual reports
    "reporting:index": Page(read()),
    "reporting:report": Page(read(other_region=404), post=only(REPORT_EDITORS, 400, other_region=404), args={"pk": "report"}, scoped=True),
    "reporting:check": Page(read(405), post=read(other_region=404), args={"pk": "report"}, scoped=True),
    "reporting:download": Page(read(other_region=404), args={"pk": "report"}, scoped=True),
    "reporting:upload": Page(
        only(REPORT_EDITORS, other_region=404), post=only(REPORT_EDITORS, 400, other_region=404), args={"pk": "report"}, scoped=True
    ),
    "reporting:action": Page(
        read(405), post=only(ADMIN, 409, other_region=404), args={"pk": "report", "action": "report_action"}, scoped=True
    ),
    "reporting:rules": Page(only(ADMIN)),
    "reporting:rule-new": Page(**ADMIN_FORM),
    "reporting:rule-edit": Page(**ADMIN_FORM, args={"pk": "rule"}),
    "reporting:comparison": Page(read()),
    "reporting:years": Page(**ADMIN_FORM),
    "reporting:year": Page(**ADMIN_FORM, args={"year": "form_year"}),
    "reporting:field-new": Page(**ADMIN_FORM, args={"year": "form_year"}),
    "reporting:field-edit": Page(**ADMIN_FORM, args={"year": "form_year", "pk": "form_field"}),
    # -------- API addresses the schema does not describe
    "api-root": Page(read(), api=True),
    "api-not-found": Page(read(404, anonymous=404), api=True),
}

V = "/api/v1"
STALE = {"version": 9999}  # no demo row is at this version: past the permission check, a stale save (409)
OWNER = frozenset({"guns2"})  # the saved scenario's owner (see the test's `_objects()`)

API: dict[str, Op] = {
    # -------- registry
    f"POST {V}/auth/token/": Op(read(400, anonymous=400)),
    f"GET {V}/regions/": Op(read()),
    f"GET {V}/regions/{{code}}/": Op(read(), args={"code": "region"}, scoped=True),
    f"PATCH {V}/regions/{{code}}/": Op(only(ADMIN, 409), args={"code": "region"}, scoped=True, body=STALE),
    f"GET {V}/universities/": Op(read()),
    f"POST {V}/universities/": Op(only(ADMIN, 400)),
    f"GET {V}/universities/{{code}}/": Op(read(), args={"code": "university"}),
    f"PATCH {V}/universities/{{code}}/": Op(only(ADMIN, 409), args={"code": "university"}, body=STALE),
    f"GET {V}/students/": Op(read()),
    f"POST {V}/students/": Op(only(ADMIN, 400)),
    f"GET {V}/students/{{id}}/": Op(read(), args={"id": "student"}),
    f"PATCH {V}/students/{{id}}/": Op(only(ADMIN, 409), args={"id": "student"}, body=STALE),
    f"GET {V}/appropriations/": Op(read()),
    f"POST {V}/appropriations/": Op(only(ADMIN, 400)),
    f"GET {V}/appropriations/{{year}}/": Op(read(), args={"year": "year"}),
    f"PATCH {V}/appropriations/{{year}}/": Op(only(ADMIN, 409), args={"year": "year"}, body=STALE),
    # -------- allocations: everyone reads and analyses; administrators publish (four eyes)
    f"GET {V}/allocations/": Op(read(), query=f"?year={YEAR}"),
    f"GET {V}/allocations/diff/": Op(read(), query="?from={prev_run}&to={run}"),
    f"GET {V}/allocation-runs/": Op(read()),
    f"GET {V}/allocation-runs/{{id}}/": Op(read(), args={"id": "run"}),
    f"POST {V}/allocation-runs/{{id}}/rerun/": Op(read(), args={"id": "run"}),
    # Publishing asks for a second administrator's confirmation (200, rolled back here).
    f"POST {V}/allocations/{{year}}/publish/": Op(only(ADMIN), args={"year": "year"}),
    # Nothing awaits confirmation; a reopening needs its reason.
    f"POST {V}/allocations/{{year}}/confirm/": Op(only(ADMIN, 400), args={"year": "year"}),
    f"POST {V}/allocations/{{year}}/reopen/": Op(only(ADMIN, 400), args={"year": "year"}),
    f"GET {V}/projections/": Op(read(), query=f"?from={YEAR}&to={YEAR + 2}"),
    f"GET {V}/risk/": Op(read(), query=f"?year={YEAR + 2}"),
    f"POST {V}/risk/": Op(read(400), body={"probabilities": "none"}),
    f"POST {V}/scenarios/compute/": Op(read(400)),
    f"GET {V}/scenarios/": Op(read()),
    f"POST {V}/scenarios/": Op(read(400)),
    f"GET {V}/scenarios/{{id}}/": Op(read(), args={"id": "scenario"}),
    f"GET {V}/scenarios/{{id}}/diff/": Op(read(), args={"id": "scenario"}),
    f"PUT {V}/scenarios/{{id}}/": Op(only(OWNER, 400), args={"id": "scenario"}),
    f"PATCH {V}/scenarios/{{id}}/": Op(only(OWNER, 409), args={"id": "scenario"}, body=STALE),
    f"DELETE {V}/scenarios/{{id}}/": Op(only(OWNER | ADMIN, 204), args={"id": "scenario"}),
    # -------- evaluations: VR (and administrators) enter; everyone reads; administrators reopen
    f"GET {V}/evaluation-rounds/": Op(read()),
    f"POST {V}/evaluation-rounds/": Op(only(EVALUATORS, 400)),
    f"GET {V}/evaluation-rounds/{{id}}/": Op(read(), args={"id": "round"}),
    f"PATCH {V}/evaluation-rounds/{{id}}/": Op(only(EVALUATORS, 409), args={"id": "draft_round"}, body=STALE),
    # The draft round's ratings are incomplete: finalizing is refused, naming them.
    f"POST {V}/evaluation-rounds/{{id}}/finalize/": Op(only(EVALUATORS, 400), args={"id": "draft_round"}),
    f"POST {V}/evaluation-rounds/{{id}}/reopen/": Op(only(ADMIN, 400), args={"id": "round"}),
    f"GET {V}/evaluation-rounds/{{id}}/findings/": Op(read(), args={"id": "round"}),
    f"POST {V}/evaluation-rounds/{{id}}/findings/": Op(only(EVALUATORS, 400), args={"id": "round"}),
    f"GET {V}/ratings/": Op(read()),
    f"POST {V}/ratings/": Op(only(EVALUATORS, 400)),
    # A draft round's rating: its editors' and its own region's reporter's, nobody else's.
    f"GET {V}/ratings/{{id}}/": Op(DRAFT_RESULTS, args={"id": "draft_rating"}, scoped=True),
    f"PATCH {V}/ratings/{{id}}/": Op(only(EVALUATORS, 409), args={"id": "draft_rating"}, scoped=True, body=STALE),
    # Removing a rating needs a reason (?reason=).
    f"DELETE {V}/ratings/{{id}}/": Op(only(EVALUATORS, 400), args={"id": "draft_rating"}, scoped=True),
    f"GET {V}/bibliometrics/": Op(read()),
    f"POST {V}/bibliometrics/": Op(only(EVALUATORS, 400)),
    f"GET {V}/bibliometrics/{{id}}/": Op(read(), args={"id": "bibliometrics"}, scoped=True),
    f"PATCH {V}/bibliometrics/{{id}}/": Op(only(EVALUATORS, 409), args={"id": "bibliometrics"}, scoped=True, body=STALE),
    # -------- GUNS: members record decisions; the chair schedules; administrators manage seats
    f"GET {V}/guns/pot/": Op(read(), query=f"?year={GUNS_YEAR}"),
    f"GET {V}/guns/members/": Op(read()),
    f"POST {V}/guns/members/": Op(only(ADMIN, 400)),
    f"GET {V}/guns/members/{{id}}/": Op(read(), args={"id": "member"}),
    f"PUT {V}/guns/members/{{id}}/": Op(only(ADMIN, 400), args={"id": "member"}),
    f"PATCH {V}/guns/members/{{id}}/": Op(only(ADMIN, 409), args={"id": "member"}, body=STALE),
    f"GET {V}/guns/meetings/": Op(read()),
    f"POST {V}/guns/meetings/": Op(only(GUNS, 400)),
    f"GET {V}/guns/meetings/{{id}}/": Op(read(), args={"id": "meeting"}),
    f"PUT {V}/guns/meetings/{{id}}/": Op(only(GUNS, 400), args={"id": "meeting"}),
    f"PATCH {V}/guns/meetings/{{id}}/": Op(only(GUNS, 409), args={"id": "meeting"}, body=STALE),
    f"GET {V}/guns/decisions/": Op(read()),
    f"POST {V}/guns/decisions/": Op(only(GUNS, 400)),
    f"GET {V}/guns/decisions/{{id}}/": Op(read(), args={"id": "draft_decision"}),
    # The draft is the chair's: the chair, its drafter and administrators edit it, not guns2.
    f"PUT {V}/guns/decisions/{{id}}/": Op(only(CHAIR, 400), args={"id": "draft_decision"}),
    f"PATCH {V}/guns/decisions/{{id}}/": Op(only(CHAIR, 409), args={"id": "draft_decision"}, body=STALE),
    f"POST {V}/guns/decisions/{{id}}/schedule/": Op(only(CHAIR, 400), args={"id": "draft_decision"}),
    # Withdrawing and referring back take no body: a permitted role's step is taken (200, rolled back).
    f"POST {V}/guns/decisions/{{id}}/withdraw/": Op(only(CHAIR), args={"id": "draft_decision"}),
    f"POST {V}/guns/decisions/{{id}}/adopt/": Op(only(GUNS, 400), args={"id": "agenda_decision"}, body={"consensus": "maybe"}),
    f"POST {V}/guns/decisions/{{id}}/reject/": Op(only(GUNS, 400), args={"id": "agenda_decision"}, body={"consensus": "maybe"}),
    f"POST {V}/guns/decisions/{{id}}/refer-back/": Op(only(GUNS), args={"id": "agenda_decision"}),
    # -------- annual reports: a reporter its own region's; administrators review and open years
    f"GET {V}/reports/": Op(read()),
    f"GET {V}/reports/{{id}}/": Op(read(other_region=404), args={"id": "report"}, scoped=True),
    f"PATCH {V}/reports/{{id}}/": Op(only(REPORT_EDITORS, 409, other_region=404), args={"id": "report"}, scoped=True, body=STALE),
    f"POST {V}/reports/{{id}}/submit/": Op(only(REPORT_EDITORS, 409, other_region=404), args={"id": "report"}, scoped=True, body=STALE),
    f"POST {V}/reports/{{id}}/approve/": Op(only(ADMIN, 409, other_region=404), args={"id": "report"}, scoped=True, body=STALE),
    # Returning needs a comment, reopening a reason.
    f"POST {V}/reports/{{id}}/return/": Op(only(ADMIN, 400, other_region=404), args={"id": "report"}, scoped=True),
    f"POST {V}/reports/{{id}}/reopen/": Op(only(ADMIN, 400, other_region=404), args={"id": "report"}, scoped=True),
    f"POST {V}/reports/open-year/": Op(only(ADMIN, 400), body={"year": "next"}),
}
