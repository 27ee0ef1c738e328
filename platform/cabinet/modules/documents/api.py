"""`/api/v1/documents/`: the signed-in customer's own documents, each with its download link."""

from django.urls import reverse
from rest_framework import permissions, serializers, viewsets
from rest_framework.pagination import PageNumberPagination

from . import selectors
from .models import Document


class IsCustomer(permissions.BasePermission):
    message = "This API is for the portal's customers."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and not user.is_business_staff)


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Document
        fields = ["id", "title", "category", "category_label", "original_name", "content_type", "size",
                  "created_at", "viewed_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        return self.context["request"].build_absolute_uri(reverse("documents:download", args=[document.pk]))


class DocumentPagination(PageNumberPagination):
    page_size = 50


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DocumentSerializer
    permission_classes = [IsCustomer]
    pagination_class = DocumentPagination
    lookup_value_regex = "[0-9]+"  # ids are integers (typed in the schema; other paths 404)

    def get_queryset(self):
        return selectors.customer_documents(self.request.user)
