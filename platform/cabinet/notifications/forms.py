from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Delivery


class LogFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All channels")), *Channel.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Delivery.Status.choices])
    event = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All events"))])
    customer = forms.CharField(label=_("Customer"), required=False, max_length=254,
                               help_text=_("E-mail, phone or contract number"))

    def __init__(self, *args, events: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("All events")), *events]


class SettingsForm(forms.Form):
    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    quiet_end = forms.TimeField(label=_("Quiet hours until"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                help_text=_("SMS and push wait until then, in your time zone (Branding). "
                                            "E-mail and the portal are not held."))
    sms_sender = forms.CharField(label=_("SMS sender name"), required=False, max_length=11,
                                 help_text=_("Up to 11 Latin letters and digits, as your gateway registered it."))
    sms_api_key = forms.CharField(label=_("SMS gateway API key"), required=False, max_length=500,
                                  widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                                  help_text=_("Stored encrypted. Leave empty to keep the one saved."))
    remove_api_key = forms.BooleanField(label=_("Remove the saved API key"), required=False)
    mandatory_events = forms.MultipleChoiceField(
        label=_("Events customers cannot switch off"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("These go out on every channel the customer can be reached on, whatever they chose."))

    def __init__(self, *args, events: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandatory_events"].choices = events
