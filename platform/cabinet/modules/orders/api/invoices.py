"""`/api/v1/orders/invoices/`: the invoices of the customer's orders, as data and as PDF."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import renderers, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from .. import selectors
from ..invoice_views import invoice_pdf_response
from ..models import Invoice
from .common import COMMON_ERRORS, MAX_ID, TAG, ErrorSerializer, IsCustomer, OrderPagination, _money


class InvoiceSerializer(serializers.ModelSerializer):
    total = _money()
    order = serializers.IntegerField(source="order_id")
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ["id", "number", "display_number", "issued_at", "total", "currency", "order", "pdf"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(help_text=gettext_lazy("Where to download the PDF (the same sign-in).")))
    def get_pdf(self, invoice) -> str:
        url = reverse("orders-api:invoice-pdf", args=[invoice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class InvoiceListView(GenericAPIView):
    permission_classes = [IsCustomer]
    pagination_class = OrderPagination
    serializer_class = InvoiceSerializer

    @extend_schema(tags=[TAG], operation_id="orders_invoices_list", summary=gettext_lazy("Invoices of your orders"),
                   responses={200: InvoiceSerializer(many=True),
                              404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such page.")),
                              **COMMON_ERRORS})
    def get(self, request):
        page = self.paginate_queryset(selectors.api_invoices(request.user))
        return self.get_paginated_response(InvoiceSerializer(page, many=True, context={"request": request}).data)


def _own_invoice(request, pk: int) -> Invoice:
    invoice = selectors.customer_invoice(request.user, pk) if pk <= MAX_ID else None
    if invoice is None:
        raise Http404
    return invoice


class InvoiceDetailView(GenericAPIView):
    permission_classes = [IsCustomer]
    serializer_class = InvoiceSerializer

    @extend_schema(tags=[TAG], operation_id="orders_invoices_retrieve", summary=gettext_lazy("One invoice"),
                   responses={200: InvoiceSerializer, 404: ErrorSerializer, **COMMON_ERRORS})
    def get(self, request, pk: int):
        return Response(InvoiceSerializer(_own_invoice(request, pk), context={"request": request}).data)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; errors still go out as JSON (the API's error
    middleware rewrites any non-JSON error under /api/v1/)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else renderers.JSONRenderer().render(data)


class InvoicePdfView(GenericAPIView):
    permission_classes = [IsCustomer]
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(tags=[TAG], operation_id="orders_invoices_pdf", summary=gettext_lazy("The invoice as PDF"),
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              (404, "application/json"): ErrorSerializer,
                              (401, "application/json"): ErrorSerializer,
                              (403, "application/json"): ErrorSerializer})
    def get(self, request, pk: int):
        return invoice_pdf_response(_own_invoice(request, pk), as_attachment=False)
