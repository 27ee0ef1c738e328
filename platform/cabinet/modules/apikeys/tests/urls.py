"""Test-only routes under /api/v1/ beside the real ones: support's own create, made idempotent, and views that
fail in the ways a client may meet (Django-level 405, a crash, field errors)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cabinet.api.idempotency import idempotent
from cabinet.modules.support.api import RequestViewSet
from cabinet.urls_tenant import urlpatterns as tenant_urlpatterns


class IdempotentSupportRequests(RequestViewSet):
    """Support's own `POST /api/v1/support/` handler behind @idempotent; `during_create` lets a test send a
    duplicate while the first request is still running."""

    during_create = None

    @idempotent
    def create(self, request, *args, **kwargs):
        if IdempotentSupportRequests.during_create is not None:
            IdempotentSupportRequests.during_create()
        return super().create(request, *args, **kwargs)


class QuantitySerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=10)
    quantity = serializers.IntegerField(min_value=1)


@api_view(["POST"])
@permission_classes([AllowAny])
def validate_quantity(request):
    serializer = QuantitySerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(serializer.validated_data)


@require_POST
def post_only(request):
    return HttpResponse("ok")


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/v1/test-support/", IdempotentSupportRequests.as_view({"post": "create"}), name="test-support"),
    path("api/v1/test-validate/", validate_quantity),
    path("api/v1/test-post-only/", post_only),
    path("api/v1/test-crash/", crash),
    *tenant_urlpatterns,
]
