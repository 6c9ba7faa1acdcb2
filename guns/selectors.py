from django.db.models import QuerySet

from alfadmin import permissions

from .models import GunsMember


def member_list(*, user) -> QuerySet[GunsMember]:
    if not permissions.is_signed_in(user):
        return GunsMember.objects.none()
    return GunsMember.objects.filter(is_active=True).select_related("region", "region__university", "user")
