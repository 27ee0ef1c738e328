from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cabinet.modules.catalog import selectors as catalog_selectors

from .models import Order, RecurringOrder


class CheckoutForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    delivery_method = forms.ChoiceField(label=_("How to receive the order"), choices=Order.Delivery.choices,
                                        widget=forms.RadioSelect, initial=Order.Delivery.DELIVERY)
    address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    pickup_warehouse = forms.ModelChoiceField(label=_("Pickup point"), required=False, queryset=catalog_selectors.pickup_points().none(),
                                              empty_label=_("Choose a pickup point"))
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, needs_delivery: bool = True, **kwargs):
        """`needs_delivery` False (only services and digital items): no delivery method, address or pickup
        point, only who the order is for."""
        super().__init__(*args, **kwargs)
        self.fields["delivery_method"].choices = [(Order.Delivery.DELIVERY, Order.Delivery.DELIVERY.label),
                                                  (Order.Delivery.PICKUP, Order.Delivery.PICKUP.label)]
        if not needs_delivery:
            for name in ("delivery_method", "address", "pickup_warehouse"):
                del self.fields[name]
            self.fields["recipient_name"].label = pgettext_lazy("person", "Name")
            return
        points = catalog_selectors.pickup_points()
        self.fields["pickup_warehouse"].queryset = points
        if not points.exists():
            self.fields["delivery_method"].choices = [(Order.Delivery.DELIVERY, Order.Delivery.DELIVERY.label)]
            del self.fields["pickup_warehouse"]


# --- Repeat and recurring ----------------------------------------------------------------------------------

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday"))]


class RecurringScheduleForm(forms.Form):
    """How often a recurring order is placed: every week or 2 weeks on a weekday, or monthly on day 1–28."""

    period = forms.ChoiceField(label=_("Repeat"), choices=RecurringOrder.Period.choices, widget=forms.RadioSelect,
                               initial=RecurringOrder.Period.MONTHLY)
    weekday = forms.TypedChoiceField(label=_("On (weekly and every 2 weeks)"), choices=WEEKDAYS, coerce=int,
                                     required=False, empty_value=None)
    day_of_month = forms.IntegerField(label=_("On day of the month (monthly)"), min_value=1, max_value=28,
                                      required=False, help_text=_("From 1 to 28, so every month has it."))

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period == RecurringOrder.Period.MONTHLY and cleaned.get("day_of_month") is None \
                and "day_of_month" not in self.errors:
            self.add_error("day_of_month", _("Choose a day from 1 to 28."))
        if period in (RecurringOrder.Period.WEEKLY, RecurringOrder.Period.BIWEEKLY) \
                and cleaned.get("weekday") is None and "weekday" not in self.errors:
            self.add_error("weekday", _("Choose a day of the week."))
        return cleaned


class RecurringEditForm(RecurringScheduleForm, CheckoutForm):
    """Schedule and receiving of a recurring order; its lines come as quantity-<line id> and remove fields."""

    field_order = ["period", "weekday", "day_of_month", "recipient_name", "phone", "delivery_method", "address",
                   "pickup_warehouse", "comment"]
