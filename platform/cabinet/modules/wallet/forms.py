import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.selectors import find_customer
from cabinet.ledger.models import Kind
from cabinet.money import CURRENCIES

from .services import MAX_NOTE

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    since = forms.DateField(label=_("First day"), required=False, widget=DATE)
    until = forms.DateField(label=_("Last day"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError(_("The first day is after the last one."))
        return data


def _month_start() -> datetime.date:
    return timezone.localdate().replace(day=1)


class StatementForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    since = forms.DateField(label=_("First day"), widget=DATE)
    until = forms.DateField(label=_("Last day"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until"):
            if data["since"] > data["until"]:
                raise ValidationError(_("The first day is after the last one."))
            if (data["until"] - data["since"]).days > 3660:
                raise ValidationError(_("A statement covers at most ten years."))
        return data


class FindForm(forms.Form):
    q = forms.CharField(label=_("Customer"), max_length=254,
                        help_text=_("The customer's e-mail, phone or contract/account number."))

    def clean_q(self):
        customer = find_customer(self.cleaned_data["q"])
        if customer is None:
            raise ValidationError(_("No customer has this e-mail, phone or number."))
        return customer


class AdjustForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=15, decimal_places=2,
                                help_text=_("Positive to credit the customer, negative to debit."))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    # Not required here: the service refuses an empty reason with its own message.
    note = forms.CharField(label=_("Reason"), required=False, max_length=MAX_NOTE,
                           help_text=_("The customer sees it beside the entry."))


class CreditLimitForm(forms.Form):
    limit = forms.DecimalField(label=_("Credit limit"), max_digits=15, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)


class TopupForm(forms.Form):
    # Text, not a number field: the service reads "500", "500.50" and "500,50" and explains the limits itself.
    amount = forms.CharField(label=_("Amount"), max_length=20)


class RefundToBalanceForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=15, decimal_places=2, min_value=Decimal("0.01"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    note = forms.CharField(label=_("What is refunded"), required=False, max_length=MAX_NOTE,
                           help_text=_("The customer sees it beside the entry."))
