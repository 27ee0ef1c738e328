"""Calls, meetings and notes staff log by hand on a customer's timeline."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Interaction(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        # Staff only: a customer never sees a note, on any page or list.
        NOTE = "note", _("Staff note")

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # When the call or meeting took place (staff may log it afterwards).
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("note"), max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["customer", "-happened_at", "-id"], name="interaction_customer_recent")]

    def __str__(self):
        return f"{self.kind} with customer {self.customer_id} at {self.happened_at:%Y-%m-%d %H:%M}"

    @property
    def staff_only(self) -> bool:
        return self.kind == self.Kind.NOTE
