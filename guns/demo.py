"""Demo GUNS: members and substitutes for all seats, three meetings (one without quorum),
decisions in every state (a funded initiative with a payment, an amendment), approved minutes.
Idempotent: a second run finds the meetings by title and does nothing more."""

import datetime

from django.db import transaction

from alfadmin.kernel.writes import SYSTEM
from alfadmin.models import Region, User

from . import services
from .models import Decision, GunsMember, GunsSettings, Meeting, Minutes
from .selectors import pot_year

MEMBER_USERS = {("STH", GunsMember.Side.REGION): ("guns", True), ("UPP", GunsMember.Side.UNIVERSITY): ("guns2", False)}
TERM_START = datetime.date(2024, 1, 1)
DEMO_GRANT = 12_000_000


def _appoint(*, region: Region, side: str, role: str, name: str, user: User | None = None, is_chair: bool = False) -> None:
    """Through the member service as the system; a seat already held is left as it is."""
    if GunsMember.objects.filter(region=region, side=side, role=role, is_active=True).exists():
        return
    services.member_create(
        actor=SYSTEM, region=region, side=side, role=role, name=name, user=user, is_chair=is_chair, term_start=TERM_START
    )


def _members() -> None:
    for region in Region.objects.filter(is_active=True).select_related("university"):
        for side in GunsMember.Side:
            username, is_chair = MEMBER_USERS.get((region.code, side), (None, False))
            organisation = region.name if side == GunsMember.Side.REGION else region.university.name
            _appoint(
                region=region,
                side=side,
                role=GunsMember.Role.MEMBER,
                name=f"Ledamot för {organisation}",
                user=User.objects.get(username=username) if username else None,
                is_chair=is_chair,
            )
            _appoint(region=region, side=side, role=GunsMember.Role.SUBSTITUTE, name=f"Ersättare för {organisation}")


def _meetings() -> None:
    """The demo's meetings, decisions, payments and minutes, made through the services.

    Long because it tells the demo's year as one story, in order: each decision is scheduled at
    a meeting made above it, and the minutes are of that meeting; split, the story would be
    spread over helpers that each run once.
    """
    admin = User.objects.get(username="admin")
    if Meeting.objects.filter(title__startswith="GUNS demo").exists():
        return
    if pot_year(user=admin, year=2025).available < DEMO_GRANT:
        return  # only the registry is loaded (no allocation computed): members without meetings
    chair = User.objects.get(username="guns")
    member = User.objects.get(username="guns2")
    members = list(GunsMember.objects.filter(is_active=True, role=GunsMember.Role.MEMBER).order_by("side", "region__code"))
    substitutes = list(GunsMember.objects.filter(is_active=True, role=GunsMember.Role.SUBSTITUTE).order_by("side", "region__code"))

    def substitute_of(holder):
        return next(s for s in substitutes if s.seat == holder.seat)

    region_side = [m for m in members if m.side == GunsMember.Side.REGION]
    university_side = [m for m in members if m.side == GunsMember.Side.UNIVERSITY]

    spring = services.meeting_create(
        actor=admin,
        date=datetime.date(2025, 3, 12),
        title="GUNS demo: vårmöte 2025",
        attendees=[*region_side, *university_side[2:], substitute_of(university_side[0])],
    )
    few = services.meeting_create(
        actor=admin,
        date=datetime.date(2025, 6, 4),
        title="GUNS demo: junimöte 2025 (ej beslutsfört)",
        attendees=[*region_side[:5], *university_side[:2]],
    )
    autumn = services.meeting_create(
        actor=admin, date=datetime.date(2025, 10, 8), title="GUNS demo: höstmöte 2025", attendees=[*region_side[:5], *university_side[-4:]]
    )
    services.agenda_item_add(actor=chair, meeting=spring, title="Mötets öppnande och val av justerare")

    def draft(title, by=member, **fields):
        return services.decision_create(actor=by, title=title, **fields)

    def go(decision, action, **kwargs):
        return services.decision_transition(actor=chair, decision=Decision.objects.get(pk=decision.pk), action=action, **kwargs)

    registry = draft(
        "Nationellt register för kliniska studier",
        kind=Decision.Kind.NATIONAL_INITIATIVE,
        text="GUNS finansierar ett nationellt register över kliniska studier inom ALF.",
        amount=DEMO_GRANT,
        pot_year=2025,
        recipients="Uppsala universitet",
        period="2025–2027",
        conditions="Årlig rapport till GUNS.",
    )
    go(registry, "schedule", meeting=spring)
    registry = go(registry, "adopt", votes={"yes": 10, "no": 2, "abstain": 1})
    services.payment_record(actor=admin, decision=registry, amount=4_000_000, paid_on=datetime.date(2025, 5, 2), note="Första delbetalning")

    follow = draft("Uppföljning av avtalet 2024", kind=Decision.Kind.FOLLOW_UP_AGREEMENT, text="GUNS godkänner uppföljningen.")
    go(follow, "schedule", meeting=spring)
    go(follow, "adopt", consensus=True)

    rejected = draft("Förslag om ny fördelningsnyckel", kind=Decision.Kind.PROPOSAL_TO_PARTIES, text="Ändrad nyckel för basmedel.")
    go(rejected, "schedule", meeting=spring)
    go(rejected, "reject", votes={"yes": 3, "no": 9, "abstain": 1})

    referred = draft("Yttrande över VR:s bibliometriska metod", kind=Decision.Kind.REFERENCE_GROUP_STATEMENT, by=chair)
    go(referred, "schedule", meeting=few)
    go(referred, "refer_back")

    amendment = draft(
        "Ändring av registerbeslutet: förlängd period",
        kind=Decision.Kind.OTHER,
        amends=registry,
        effect=Decision.Effect.AMENDS,
        text="Perioden förlängs till 2028; beloppet oförändrat.",
    )
    go(amendment, "schedule", meeting=autumn)
    go(amendment, "adopt", consensus=True)

    scheduled = draft("Uppföljning av utvärderingen 2025", kind=Decision.Kind.FOLLOW_UP_EVALUATION)
    go(scheduled, "schedule", meeting=autumn)

    withdrawn = draft("Övrig fråga om mötesformer", kind=Decision.Kind.OTHER)
    services.decision_transition(actor=member, decision=withdrawn, action="withdraw")

    draft(
        "Nationell satsning på forskarskolor",
        kind=Decision.Kind.NATIONAL_INITIATIVE,
        amount=5_000_000,
        pot_year=2026,
        recipients="Sju universitet",
        period="2026–2028",
    )

    minutes = services.minutes_generate(actor=chair, meeting=spring)
    adjuster = GunsMember.objects.get(user__username="guns2")
    minutes = services.minutes_update(actor=chair, minutes=minutes, changes={"adjuster": adjuster})
    minutes = services.minutes_approve(actor=chair, minutes=minutes)
    services.minutes_approve(actor=member, minutes=Minutes.objects.get(pk=minutes.pk))


@transaction.atomic
def load() -> None:
    if not GunsSettings.objects.filter(pk=1).exists():
        services.settings_update(actor=SYSTEM, changes={})
    _members()
    _meetings()
