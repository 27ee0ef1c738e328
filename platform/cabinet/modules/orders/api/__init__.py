"""`/api/v1/orders/`: the B2B ordering API of the signed-in customer (API key or session).

Quote a set of lines with the cart's own discount engine, place an order (an Idempotency-Key header is
required, so a retried request never places a second order), read orders with their status timeline, and
read invoices with their PDF. Every query is limited to the signed-in customer's own orders.

One file per subject: quotes, orders, invoices (and what they share, in common.py). The views are named here for
api_urls."""

from .invoices import InvoiceDetailView, InvoiceListView, InvoicePdfView
from .orders import OrderDetailView, OrderListQuerySerializer, OrderListView
from .quotes import QuoteView

__all__ = ["InvoiceDetailView", "InvoiceListView", "InvoicePdfView", "OrderDetailView", "OrderListQuerySerializer",
           "OrderListView", "QuoteView"]
