"""The tenant's API root (`/api/v1/`): what the later modules hang their routers under."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


class ApiRootSerializer(serializers.Serializer):
    tenant = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    schema = serializers.CharField()


@extend_schema(responses=ApiRootSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request):
    return Response({
        "tenant": request.tenant.slug,
        "name": request.tenant.name,
        "version": "v1",
        "schema": request.build_absolute_uri("/api/v1/schema/"),
    })


schema_view = SpectacularAPIView.as_view()
