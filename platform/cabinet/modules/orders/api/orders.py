"""`/api/v1/orders/`: the customer's orders with their status timeline, and placing one (an Idempotency-Key
header is required, so a retried request never places a second order)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from cabinet.api.idempotency import header_parameter, idempotent
from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.catalog.services import NotEnoughStock

from .. import selectors, services
from ..models import Invoice, Order
from .common import (
    COMMON_ERRORS,
    FIELD_ERRORS_EXAMPLE,
    MAX_ID,
    TAG,
    ErrorSerializer,
    IsCustomer,
    OrderPagination,
    _money,
)
from .invoices import InvoiceSerializer
from .quotes import DiscountSerializer, QuoteRequestSerializer


class UnavailableLineSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    name = serializers.CharField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField()
    message = serializers.CharField()


class StockShortSerializer(ErrorSerializer):
    unavailable = UnavailableLineSerializer(
        many=True, help_text=gettext_lazy("Each line that cannot be served in full."))


class OrderCreateSerializer(QuoteRequestSerializer):
    recipient_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32)
    delivery_method = serializers.ChoiceField(
        choices=[(Order.Delivery.DELIVERY, Order.Delivery.DELIVERY.label), (Order.Delivery.PICKUP, Order.Delivery.PICKUP.label)],
        default=Order.Delivery.DELIVERY,
        help_text=gettext_lazy("How goods are received; ignored (with address and pickup point) when no line is goods."))
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                    help_text=gettext_lazy("Required for delivery."))
    pickup_warehouse = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None,
        help_text=gettext_lazy("Pickup point id (a warehouse with is_pickup_point in the catalog API); required for "
                               "pickup."))
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    deductions = serializers.DictField(
        child=serializers.CharField(max_length=40), required=False, allow_empty=True,
        help_text=gettext_lazy("What to take off what is owed, by key: {\"loyalty.points\": \"300\"} pays with 300 "
                               "bonus points (\"max\": as many as allowed). Leave out to use none."))


class OrderListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)


class OrderLineSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    name = serializers.CharField()
    sku = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=catalog_selectors.ProductKind.choices)
    quantity = serializers.IntegerField()
    unit_price = _money()
    discount = _money()
    total = _money()
    explanations = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("In the request's language."))
    discounts = serializers.SerializerMethodField()

    @extend_schema_field(DiscountSerializer(many=True))
    def get_discounts(self, line) -> list[dict]:
        return DiscountSerializer(selectors.stored_discounts(line.discounts), many=True).data


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)
    at = serializers.DateTimeField()


class TrackingSerializer(serializers.Serializer):
    carrier = serializers.CharField()
    number = serializers.CharField(source="tracking_number", allow_blank=True)
    url = serializers.CharField(source="tracking_link", allow_blank=True,
                                help_text=gettext_lazy("Where to follow the parcel; empty when the carrier has no known page."))


class OrderSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(help_text=gettext_lazy("The order's number in the business's sequence (1, 2, 3 …); "
                                      "`id` is what the API's addresses use."))
    flow = serializers.ChoiceField(choices=Order.Flow.choices, help_text=(
        gettext_lazy("Which statuses the order goes through: delivery (new → confirmed → packed → shipped → delivered), "
        "pickup (new → confirmed → ready → collected), service (new → confirmed → done), digital "
        "(new → confirmed → delivered at once); any of them may end cancelled.")))
    undiscounted = _money(source="subtotal")
    discount = _money()
    deducted = serializers.SerializerMethodField(help_text=gettext_lazy(
        "What deductions (bonus points) took off; total is what is owed after them."))
    total = _money()
    tracking = serializers.SerializerMethodField()
    invoice = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "number", "status", "flow", "currency", "undiscounted", "discount", "deducted", "total",
                  "placed_via",
                  "created_at", "tracking", "invoice"]
        read_only_fields = fields

    @extend_schema_field(_money())
    def get_deducted(self, order) -> str:
        return str(sum((d.amount for d in order.deductions.all()), Decimal("0.00")))

    @extend_schema_field(TrackingSerializer(allow_null=True))
    def get_tracking(self, order):
        return TrackingSerializer(order).data if order.carrier else None

    @extend_schema_field(InvoiceSerializer(allow_null=True))
    def get_invoice(self, order):
        try:
            invoice = order.invoice
        except Invoice.DoesNotExist:
            return None
        return InvoiceSerializer(invoice, context=self.context).data


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True)
    explanations = serializers.ListField(child=serializers.CharField(), help_text=(
        gettext_lazy("Discounts on the whole order, in the request's language.")))
    discounts = serializers.SerializerMethodField()
    timeline = StatusChangeSerializer(many=True, source="status_changes")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "lines", "explanations", "discounts", "timeline", "recipient_name",
                  "phone", "delivery_method", "address", "pickup_warehouse", "comment"]
        read_only_fields = fields

    @extend_schema_field(DiscountSerializer(many=True))
    def get_discounts(self, order) -> list[dict]:
        return DiscountSerializer(selectors.stored_discounts(order.cart_discounts), many=True).data


ORDER_EXAMPLE = {
    "id": 41, "number": 17, "status": "shipped", "flow": "delivery", "currency": "EUR", "undiscounted": "50.00",
    "discount": "5.00", "deducted": "0.00", "total": "45.00", "placed_via": "api", "created_at": "2026-03-02T09:15:00Z",
    "tracking": {"carrier": "Nova Poshta", "number": "20450000000000",
                 "url": "https://novaposhta.ua/tracking/?cargo_number=20450000000000"},
    "invoice": None,
    "lines": [{"product": 12, "name": "Sencha", "sku": "TEA-1", "kind": "goods", "quantity": 5, "unit_price": "10.00",
               "discount": "5.00", "total": "45.00", "explanations": ["−10 %: 5 or more of this item (−€5.00)"],
               "discounts": [{"kind": "quantity_break", "value_type": "percent", "value": "10.00", "currency": "EUR",
                              "amount": "5.00", "title": "Five or more", "min_quantity": 5, "threshold": None,
                              "text": "−10 %: 5 or more of this item"}]}],
    "explanations": [], "discounts": [],
    "timeline": [{"status": "new", "at": "2026-03-02T09:15:00Z"}, {"status": "confirmed", "at": "2026-03-02T10:00:00Z"},
                 {"status": "packed", "at": "2026-03-02T12:00:00Z"}, {"status": "shipped", "at": "2026-03-02T15:30:00Z"}],
    "recipient_name": "Warehouse desk", "phone": "+380501234567", "delivery_method": "delivery",
    "address": "Kyiv, Main street 1", "pickup_warehouse": None, "comment": "",
}


class OrderListView(GenericAPIView):
    permission_classes = [IsCustomer]
    pagination_class = OrderPagination
    serializer_class = OrderSerializer

    def get_queryset(self):
        query = OrderListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.api_orders(self.request.user, query.validated_data.get("status"))

    @extend_schema(
        tags=[TAG], operation_id="orders_list", summary=gettext_lazy("Your orders, newest first"),
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Order.Status.values,
                                     description=gettext_lazy("Only orders in this status"))],
        responses={200: OrderSerializer(many=True), 400: ErrorSerializer,
                   404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such page.")), **COMMON_ERRORS})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(OrderSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        tags=[TAG], operation_id="orders_create", request=OrderCreateSerializer,
        summary=gettext_lazy("Place an order"),
        description=gettext_lazy(
            "Prices the lines afresh, reserves every line (all or nothing) and places the order in the "
            "business's queue. An `Idempotency-Key` header is required: a retry with the same key and "
            "body returns the first answer (header `Idempotent-Replayed: true`) and never places a "
            "second order; the same key with a different body gets 422."),
        parameters=[header_parameter(required=True)],
        responses={
            201: OrderDetailSerializer,
            400: OpenApiResponse(ErrorSerializer,
                                 description=gettext_lazy("Bad fields, or no Idempotency-Key header.")),
            409: OpenApiResponse(StockShortSerializer, description=gettext_lazy(
                "Some lines are not available in full (nothing was reserved), or a request with this key is "
                "still running.")),
            422: OpenApiResponse(ErrorSerializer,
                                 description=gettext_lazy("The Idempotency-Key was used for another request.")),
            **COMMON_ERRORS},
        examples=[
            OpenApiExample("Delivery", request_only=True, value={
                "lines": [{"product": 12, "quantity": 5}], "recipient_name": "Warehouse desk",
                "phone": "+380501234567", "delivery_method": "delivery", "address": "Kyiv, Main street 1",
                "comment": "Gate 3"}),
            OpenApiExample("Pickup", request_only=True, value={
                "lines": [{"product": 12, "quantity": 5}], "recipient_name": "Ann", "phone": "+380501234567",
                "delivery_method": "pickup", "pickup_warehouse": 2}),
            OpenApiExample("Placed", response_only=True, status_codes=["201"], value=ORDER_EXAMPLE),
            FIELD_ERRORS_EXAMPLE,
            OpenApiExample("Out of stock", response_only=True, status_codes=["409"], value={
                "detail": "Some lines are not available in the quantity asked; nothing was reserved.",
                "errors": {"lines": ["Mug: 2 asked, 1 available."]},
                "unavailable": [{"product": 7, "name": "Mug", "requested": 2, "available": 1,
                                 "message": "Mug: 2 asked, 1 available."}]}),
        ])
    @idempotent(required=True)
    def post(self, request):
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = services.lines_from_items(data["lines"])
        try:
            order = services.place_order(request.user, lines, {
                name: data[name] for name in ("recipient_name", "phone", "delivery_method", "address",
                                              "pickup_warehouse", "comment")}, placed_via=Order.Channel.API,
                deductions=data.get("deductions") or {})
        except ValidationError as error:
            if isinstance(error.__cause__, NotEnoughStock):
                return _stock_short(error.__cause__)
            raise
        placed = selectors.customer_order(request.user, order.pk)
        return Response(OrderDetailSerializer(placed, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


def _stock_short(short: NotEnoughStock) -> Response:
    messages = [line["message"] for line in short.lines]
    return Response({
        "detail": _("Some lines are not available in the quantity asked; nothing was reserved."),
        "errors": {"lines": messages},
        "unavailable": [{"product": line["product_id"], "name": line["name"], "requested": line["requested"],
                         "available": line["available"], "message": line["message"]} for line in short.lines],
    }, status=status.HTTP_409_CONFLICT)


class OrderDetailView(GenericAPIView):
    permission_classes = [IsCustomer]
    serializer_class = OrderDetailSerializer

    @extend_schema(tags=[TAG], operation_id="orders_retrieve", summary=gettext_lazy("One of your orders"),
                   responses={200: OrderDetailSerializer, 404: ErrorSerializer, **COMMON_ERRORS},
                   examples=[OpenApiExample("Order", response_only=True, value=ORDER_EXAMPLE)])
    def get(self, request, pk: int):
        order = selectors.customer_order(request.user, pk) if pk <= MAX_ID else None
        if order is None:
            raise Http404
        return Response(OrderDetailSerializer(order, context={"request": request}).data)
