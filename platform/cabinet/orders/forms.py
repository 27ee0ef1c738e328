from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.catalog.models import Warehouse

from .models import Order


class CheckoutForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    delivery_method = forms.ChoiceField(label=_("How to receive the order"), choices=Order.Delivery.choices,
                                        widget=forms.RadioSelect, initial=Order.Delivery.DELIVERY)
    address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    pickup_warehouse = forms.ModelChoiceField(label=_("Pickup point"), required=False, queryset=Warehouse.objects.none(),
                                              empty_label=_("Choose a pickup point"))
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        points = Warehouse.objects.filter(is_active=True, is_pickup_point=True).order_by("name")
        self.fields["pickup_warehouse"].queryset = points
        if not points.exists():
            self.fields["delivery_method"].choices = [(Order.Delivery.DELIVERY, Order.Delivery.DELIVERY.label)]
            del self.fields["pickup_warehouse"]
