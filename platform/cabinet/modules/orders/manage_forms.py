"""Forms of the orders manage area: the queue's filters, bulk changes and discount rules."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.selectors import customer_group_choices
from cabinet.modules.catalog import selectors as catalog_selectors

from . import services
from .models import DiscountRule, Order

# What staff can do to an order, in the order orders go through it (each order only what its flow allows).
STATUS_ACTIONS = (
    (Order.Status.CONFIRMED, _("Confirm")),
    (Order.Status.PACKED, _("Mark packed")),
    (Order.Status.SHIPPED, _("Mark shipped")),
    (Order.Status.DELIVERED, _("Mark delivered")),
    (Order.Status.READY, _("Ready for pickup")),
    (Order.Status.COLLECTED, _("Mark collected")),
    (Order.Status.DONE, _("Mark done")),
    (Order.Status.CANCELLED, _("Cancel")),
)
# The queue's bulk actions: all but shipping, which needs each parcel's carrier and tracking.
BULK_ACTIONS = tuple(action for action in STATUS_ACTIONS if action[0] != Order.Status.SHIPPED)
WEEKDAYS = ((0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday")))


class QueueFilterForm(forms.Form):
    """The queue's filters. Each is checked on its own: a wrong one is ignored (with a notice), the others
    apply."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Order.Status.choices])
    q = forms.CharField(label=_("Customer"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, e-mail, phone or #number")}))
    placed_from = forms.DateField(label=_("Placed from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    placed_to = forms.DateField(label=_("Placed until"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    placed_via = forms.ChoiceField(label=_("Placed via"), required=False,
                                   choices=[("", _("Any channel")), *Order.Channel.choices])
    flow = forms.ChoiceField(label=_("Kind of order"), required=False,
                             choices=[("", _("Any kind")), *Order.Flow.choices])
    hold_lapsed = forms.BooleanField(label=_("Hold lapsed"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("placed_from"), data.get("placed_to")
        if start and end and end < start:
            self.add_error("placed_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of `selectors.staff_queue`."""
        self.is_valid()
        data = self.cleaned_data
        return {"status": data.get("status") or "", "q": data.get("q") or "",
                "placed_from": data.get("placed_from"), "placed_to": data.get("placed_to"),
                "placed_via": data.get("placed_via") or "", "flow": data.get("flow") or "",
                "hold_lapsed": bool(data.get("hold_lapsed"))}

    def ignored(self) -> list[str]:
        """One notice per filter that was ignored because its value is wrong."""
        self.is_valid()
        return [_("The filter “%(label)s” is ignored: %(problem)s") % {
            "label": self.fields[name].label, "problem": " ".join(problems)}
            for name, problems in self.errors.items() if name in self.fields]


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("With the chosen orders"), choices=BULK_ACTIONS)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_ACTIONS)


class ShippingForm(forms.Form):
    """The carrier and tracking of a parcel, asked when an order is marked shipped (checked again by
    `services.clean_tracking`)."""

    carrier = forms.CharField(label=_("Carrier"), max_length=100,
                              widget=forms.TextInput(attrs={"list": "known-carriers", "autocomplete": "off"}),
                              help_text=_("For Nova Poshta, Ukrposhta, Russian Post, DHL, UPS and FedEx the tracking "
                                          "link is made from the number."))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64, required=False)
    tracking_url = forms.CharField(label=_("Tracking link"), max_length=500, required=False,
                                   widget=forms.URLInput(attrs={"placeholder": "https://"}),
                                   help_text=_("Optional when the number is enough; this link wins over the made one."))


class DiscountRuleForm(forms.ModelForm):
    """A discount rule. `clean()` builds the engine's rule from the fields and refuses what the engine
    refuses (pricing.validate_rule), with the error beside the field it is about. Dates and daily hours
    are read in the rule's time zone."""

    products = forms.ModelMultipleChoiceField(
        label=_("Products"), required=False, queryset=catalog_selectors.products_by_name(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Only for a rule on chosen products. Hold Ctrl (⌘ on a Mac) to choose several."))
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), required=False, queryset=catalog_selectors.categories_by_name(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Only for a rule on chosen categories. Hold Ctrl (⌘ on a Mac) to choose several."))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), required=False, coerce=int, choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple, help_text=_("Time window only. None chosen: every day."))
    starts_at = forms.DateTimeField(
        label=_("Starts at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Time window only; in the rule's time zone."))
    ends_at = forms.DateTimeField(
        label=_("Ends at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Time window only; the discount stops at this moment."))
    time_zone = forms.CharField(label=_("Time zone"), required=False, max_length=64,
                                help_text=_("Time window only, e.g. Europe/Kyiv. Empty: UTC."))

    class Meta:
        model = DiscountRule
        fields = ("title", "kind", "value", "value_type", "scope", "products", "categories", "combine",
                  "priority", "active", "currency", "min_quantity", "threshold", "customer_group",
                  "condition", "starts_at", "ends_at", "weekdays", "daily_start", "daily_end", "time_zone")
        widgets = {
            "value": forms.TextInput(attrs={"inputmode": "decimal"}),
            "threshold": forms.TextInput(attrs={"inputmode": "decimal"}),
            "daily_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "daily_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "kind": _("Quantity break: from N units of one item. Category discount: every item of the chosen "
                      "categories. Cart total: from a sum. First order: a customer's first order. Customer "
                      "group: customers of one group. Time window: on dates, weekdays or hours. Special "
                      "condition: customers who meet a condition of another module, such as club members."),
            "value": _("A percentage (above 0, at most 100) or an amount, as chosen below."),
            "value_type": _("A fixed amount is possible only for a cart total or a first order discount."),
            "scope": _("Quantity breaks apply to chosen products or categories; category discounts to "
                       "categories; cart total and first order discounts to the whole cart."),
            "combine": _("“Best for the customer”: of such rules, only the largest discount applies. "
                         "“On top”: applied after it, to what is left."),
            "priority": _("Rules are applied from the lowest number up."),
            "currency": _("Needed for a fixed amount or a cart total; the rule then applies only to carts "
                          "in this currency."),
            "min_quantity": _("Quantity break only: the number of units of one item from which it applies."),
            "threshold": _("Cart total only: the order sum from which the discount applies."),
            "daily_start": _("Time window only, with “daily until”; hours past midnight are allowed."),
            "daily_end": _("Time window only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", _("Any currency")), *self.fields["currency"].choices[1:]]
        rule = self.instance
        if rule.pk:
            zone = _zone(rule.time_zone) or ZoneInfo("UTC")
            for name in ("starts_at", "ends_at"):
                moment = getattr(rule, name)
                if moment is not None:
                    self.initial[name] = timezone.make_naive(moment, zone)
        for name in ("kind", "scope", "value_type"):
            self.fields[name].widget.attrs["data-rule-switch"] = name
        groups = customer_group_choices()
        if rule.customer_group and rule.customer_group not in dict(groups):
            groups.append((rule.customer_group, _("(a deleted group)")))
        self.fields["customer_group"] = forms.ChoiceField(
            label=_("Customer group"), required=False, choices=[("", "—"), *groups],
            help_text=_("Customer group only. Groups and their members are kept under Customers → Customer groups."))

        conditions = services.condition_choices()
        if rule.condition and rule.condition not in dict(conditions):
            conditions.append((rule.condition, _("(a condition no longer offered)")))
        self.fields["condition"] = forms.ChoiceField(
            label=_("Condition"), required=False, choices=[("", "—"), *conditions],
            help_text=_("Special condition only: what the customer must meet, such as being a member of a club."))

    def clean_condition(self):
        return (self.cleaned_data.get("condition") or "").strip()

    def clean_time_zone(self):
        name = (self.cleaned_data.get("time_zone") or "").strip() or "UTC"
        if _zone(name) is None:
            raise forms.ValidationError(_("Unknown time zone; use a name like Europe/Kyiv."))
        return name

    def clean_customer_group(self):
        return (self.cleaned_data.get("customer_group") or "").strip()

    def clean(self):
        data = super().clean()
        zone = _zone(data.get("time_zone") or "UTC")
        if zone is not None:
            # The form read the wall-clock moments in the site's zone; the business meant the rule's zone.
            for name in ("starts_at", "ends_at"):
                if data.get(name) is not None:
                    data[name] = timezone.make_aware(timezone.make_naive(data[name]), zone)
        if self.errors:
            return data  # the engine's checks would repeat what the fields already say
        for name, problems in services.engine_rule_errors(data, self.instance.pk).items():
            for problem in problems:
                self.add_error(name if name in self.fields else None, problem)
        return data


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
