"""`/api/v1/api/key/`: the key the request is signed with, so an integration can check its set-up."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ApiKey


class SignedInWithApiKey(permissions.BasePermission):
    message = _("Sign in with an API key: \"Authorization: Bearer kab_…\" or \"X-API-Key: kab_…\".")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


class ApiKeyInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    customer = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class CurrentKeyView(APIView):
    permission_classes = [SignedInWithApiKey]

    @extend_schema(responses=ApiKeyInfoSerializer, summary=_("The API key this request is signed with"))
    def get(self, request):
        api_key = request.auth
        return Response(ApiKeyInfoSerializer({
            "name": api_key.name, "prefix": api_key.prefix, "customer": api_key.customer.display_name,
            "created_at": api_key.created_at, "last_used_at": api_key.last_used_at}).data)
