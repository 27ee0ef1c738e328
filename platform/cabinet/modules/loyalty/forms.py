from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES

from .models import RuleKind


class RuleForm(forms.Form):
    """The fields of an earning rule; the service checks them (services.clean_rule)."""

    kind = forms.ChoiceField(label=_("What earns"), choices=RuleKind.choices)
    currency = forms.ChoiceField(label=_("Currency of the purchases"), required=False,
                                 choices=[("", "—"), *((code, code) for code in CURRENCIES)],
                                 help_text=_("Only for purchases."))
    percent = forms.CharField(label=_("Share of the amount paid (%)"), required=False, max_length=8,
                              help_text=_("Only for purchases: 5 gives 120 points for 2 400."))
    points = forms.CharField(label=_("Points"), required=False, max_length=8,
                             help_text=_("For everything but purchases."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
