"""Allocation runs and the outbox of recompute requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecomputeRequest(models.Model):
    """A year whose inputs changed and whose allocation must be computed again.

    Written in the same transaction as the change (an outbox row), so a lost task message
    delays a recompute but never loses it: the periodic sweep picks up unprocessed rows.
    """

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("recompute request")
        verbose_name_plural = _("recompute requests")
        indexes = [models.Index(fields=["processed_at", "year"], name="recompute_pending_idx")]

    def __str__(self) -> str:
        return f"{self.year}: {self.reason}"
