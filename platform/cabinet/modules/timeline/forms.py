from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.portal.selectors import business_time_zone

from .models import Interaction


class FilterForm(forms.Form):
    """Kind and date range of the timeline; dates are days in the business's time zone."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Everything"))])
    since = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *kinds]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return data

    def window(self) -> dict:
        """The filters as timeline_page's arguments (the valid ones only: a bad field is left out)."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        zone = business_time_zone()
        found: dict = {}
        if data.get("kind"):
            found["kinds"] = frozenset({data["kind"]})
        if isinstance(data.get("since"), date) and "since" not in self.errors:
            found["since"] = datetime.combine(data["since"], time.min, zone)
        if isinstance(data.get("until"), date) and "until" not in self.errors:
            found["until"] = datetime.combine(data["until"] + timedelta(days=1), time.min, zone) - timedelta(microseconds=1)
        return found


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Interaction.Kind.choices, initial=Interaction.Kind.CALL,
                             widget=forms.RadioSelect,
                             help_text=_("The customer sees calls and meetings with their note; a staff note "
                                         "only staff see."))
    happened_at = forms.DateTimeField(label=_("When"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                      help_text=_("Leave empty for now."))
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
