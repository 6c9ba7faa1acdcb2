"""GUNS: Grupp för Uppföljning och Nationell Samverkan (memo §7.8–7.10)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfadmin.models import Region


class GunsMember(models.Model):
    """One of the fourteen members: for every ALF region one from the region, one from its university."""

    class Side(models.TextChoices):
        REGION = "region", _("Region")
        UNIVERSITY = "university", _("University")

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="guns_members", verbose_name=_("ALF region"))
    side = models.CharField(_("represents"), max_length=16, choices=Side.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="guns_membership", verbose_name=_("user")
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code", "side"]
        verbose_name = _("GUNS member")
        verbose_name_plural = _("GUNS members")
        constraints = [
            models.UniqueConstraint(fields=["region", "side"], condition=Q(is_active=True), name="guns_one_active_member_per_side"),
            models.UniqueConstraint(fields=["is_chair"], condition=Q(is_chair=True, is_active=True), name="guns_one_chair"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region.code}, {self.get_side_display()})"
