"""Demo GUNS members: for each ALF region one member from the region and one from the university."""

from django.db import transaction

from alfadmin.models import Region, User

from .models import GunsMember

MEMBER_USERS = {("STH", GunsMember.Side.REGION): ("guns", True), ("UPP", GunsMember.Side.UNIVERSITY): ("guns2", False)}


@transaction.atomic
def load() -> None:
    for region in Region.objects.filter(is_active=True).select_related("university"):
        for side in GunsMember.Side:
            username, is_chair = MEMBER_USERS.get((region.code, side), (None, False))
            organisation = region.name if side == GunsMember.Side.REGION else region.university.name
            GunsMember.objects.update_or_create(
                region=region,
                side=side,
                is_active=True,
                defaults={
                    "name": f"Ledamot för {organisation}",
                    "user": User.objects.get(username=username) if username else None,
                    "is_chair": is_chair,
                },
            )
