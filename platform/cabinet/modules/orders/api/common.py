"""What every endpoint of the orders API shares: who may call it, ids, money fields, pages and the error
answers the schema describes."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
)
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination

MAX_ID = 2**63 - 1  # ids are bigint: a larger number is refused as a field error, not sent to the database


TAG = "orders"


class IsCustomer(permissions.BasePermission):
    message = "Orders belong to the portal's customers: sign in with a customer's API key."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and not user.is_business_staff)


def _money(**extra) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, **extra)


class OrderPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in words."))
    errors = serializers.DictField(child=serializers.JSONField(), required=False,
                                   help_text=gettext_lazy("Field name → list of messages; only for bad fields."))


FIELD_ERRORS_EXAMPLE = OpenApiExample(
    "Bad fields", status_codes=["400"], response_only=True,
    value={"detail": "The request has invalid fields; see \"errors\".",
           "errors": {"lines": ["Line 2: this product is not on sale."],
                      "recipient_name": ["Enter who receives the order."]}})


COMMON_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Unknown, revoked or malformed API key.")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not signed in as a customer.")),
}
