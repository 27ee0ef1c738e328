"""`POST /api/v1/orders/quote/`: a set of lines priced by the cart's own discount engine, with what is
available now (nothing is reserved)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from cabinet.modules.catalog import selectors as catalog_selectors

from .. import selectors, services
from ..models import MAX_QUANTITY, DiscountRule
from .common import COMMON_ERRORS, FIELD_ERRORS_EXAMPLE, MAX_ID, TAG, ErrorSerializer, IsCustomer, _money


class LineInSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                       help_text=gettext_lazy("Product id (see the catalog API)."))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY,
                                        help_text=gettext_lazy("Units, 1 to 999."))


class QuoteRequestSerializer(serializers.Serializer):
    lines = serializers.ListField(child=LineInSerializer(), min_length=1, max_length=200,
                                  help_text=gettext_lazy("One line per product, all priced in one currency."))


class DiscountSerializer(serializers.Serializer):
    """One discount given, with what it takes to explain it; `text` is the explanation in the request's
    language (Accept-Language)."""

    kind = serializers.ChoiceField(choices=DiscountRule.Kind.choices)
    value_type = serializers.ChoiceField(choices=DiscountRule.ValueType.choices)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True,
                                     help_text=gettext_lazy("The percentage, or the fixed amount in `currency`."))
    currency = serializers.CharField()
    amount = _money(help_text=gettext_lazy("How much this discount took off."))
    title = serializers.CharField(allow_blank=True, help_text=gettext_lazy("The rule's title when it was given."))
    min_quantity = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Quantity breaks: from this many units."))
    threshold = _money(allow_null=True, help_text=gettext_lazy("Cart total discounts: from this order sum."))
    text = serializers.CharField(help_text=gettext_lazy("The explanation, e.g. “−10 %: 5 or more of this item”."))


class QuoteLineSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    name = serializers.CharField()
    sku = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=catalog_selectors.ProductKind.choices,
                                   help_text=gettext_lazy("goods are counted in stock; services and digital items are not."))
    quantity = serializers.IntegerField()
    unit_price = _money()
    undiscounted = _money()
    discount = _money()
    total = _money()
    explanations = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("The discounts of this line."))
    discounts = DiscountSerializer(many=True, help_text=gettext_lazy("The same discounts as data."))
    available = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Units available now (stock minus holds); "
                                         "nothing is reserved. null for services and digital items (not counted)."))
    in_stock = serializers.BooleanField(help_text=gettext_lazy("Whether the quantity is available now (always for services)."))


class QuoteSerializer(serializers.Serializer):
    currency = serializers.CharField()
    lines = QuoteLineSerializer(many=True)
    explanations = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Discounts on the whole cart."))
    discounts = DiscountSerializer(many=True, help_text=gettext_lazy("The same discounts as data."))
    undiscounted = _money()
    discount = _money()
    total = _money()


QUOTE_EXAMPLE = {
    "currency": "EUR",
    "lines": [{"product": 12, "name": "Sencha", "sku": "TEA-1", "kind": "goods", "quantity": 5,
               "unit_price": "10.00", "undiscounted": "50.00", "discount": "5.00", "total": "45.00",
               "explanations": ["−10 %: 5 or more of this item (−€5.00)"],
               "discounts": [{"kind": "quantity_break", "value_type": "percent", "value": "10.00", "currency": "EUR",
                              "amount": "5.00", "title": "Five or more", "min_quantity": 5, "threshold": None,
                              "text": "−10 %: 5 or more of this item"}],
               "available": 40, "in_stock": True}],
    "explanations": [], "discounts": [], "undiscounted": "50.00", "discount": "5.00", "total": "45.00",
}


class QuoteView(GenericAPIView):
    permission_classes = [IsCustomer]
    serializer_class = QuoteRequestSerializer

    @extend_schema(
        tags=[TAG], operation_id="orders_quote", request=QuoteRequestSerializer,
        summary=gettext_lazy("Price a set of lines"),
        description=gettext_lazy("The same discount engine and explanations as the portal's cart; availability "
                                 "per line is what can be ordered now (nothing is reserved)."),
        responses={200: QuoteSerializer, 400: ErrorSerializer, **COMMON_ERRORS},
        examples=[OpenApiExample("Five packs", request_only=True,
                                 value={"lines": [{"product": 12, "quantity": 5}]}),
                  OpenApiExample("Priced", response_only=True, status_codes=["200"], value=QUOTE_EXAMPLE),
                  FIELD_ERRORS_EXAMPLE])
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lines = services.lines_from_items(serializer.validated_data["lines"])
        return Response(QuoteSerializer(selectors.quote(services.price_lines(request.user, lines))).data)
