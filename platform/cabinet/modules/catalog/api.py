"""`/api/v1/catalog/products/`: the catalog with prices and live availability, read-only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.pagination import PageNumberPagination

from . import selectors
from .models import Product


class PlaceSerializer(serializers.Serializer):
    warehouse_id = serializers.IntegerField(source="warehouse.pk")
    warehouse = serializers.CharField(source="warehouse.name")
    is_pickup_point = serializers.BooleanField(source="warehouse.is_pickup_point")
    available = serializers.IntegerField()


class ProductSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True,
                                            help_text=gettext_lazy("Category slug; null when uncategorised"))
    kind = serializers.ChoiceField(choices=Product.Kind.choices, read_only=True, help_text=(
        gettext_lazy("goods have stock and are delivered or picked up; a service or a digital item has neither.")))
    available = serializers.SerializerMethodField()
    warehouses = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "slug", "sku", "name", "kind", "description", "category", "price", "currency", "attributes",
                  "available", "warehouses", "images"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text=(
        gettext_lazy("Units available now (stock minus holds); null for services and digital items, which are not counted."))))
    def get_available(self, product) -> int | None:
        return int(product.available or 0) if product.has_stock else None

    @extend_schema_field(PlaceSerializer(many=True))
    def get_warehouses(self, product):
        if not product.has_stock:
            return []
        return PlaceSerializer(getattr(product, "places", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_images(self, product):
        request = self.context.get("request")
        urls = [reverse("catalog:image", args=[image.pk]) for image in product.images.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class ProductPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


PRODUCTS_DESCRIPTION = gettext_lazy(
    "Products on sale, with the price as a decimal string, the currency and what is available now in total and "
    "per warehouse (stock minus active reservations).")


@extend_schema_view(retrieve=extend_schema(description=PRODUCTS_DESCRIPTION), list=extend_schema(
    description=PRODUCTS_DESCRIPTION, parameters=[
    OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("Words in the name, SKU or description")),
    OpenApiParameter("category", OpenApiTypes.STR,
                     description=gettext_lazy("Category slug or id (its subcategories included)")),
    OpenApiParameter("in_stock", OpenApiTypes.BOOL, description=gettext_lazy("1 for products available now only")),
]))
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Products on sale, with the price as a decimal string, the currency and what is available now in
    total and per warehouse (stock minus active reservations)."""

    serializer_class = ProductSerializer
    permission_classes = [permissions.AllowAny]  # the catalog is public, as in the portal
    pagination_class = ProductPagination

    def get_queryset(self):
        params = self.request.query_params
        return selectors.api_products(
            q=params.get("q", "")[:100], category=params.get("category", "")[:140],
            in_stock=params.get("in_stock", "").lower() in ("1", "true", "yes"))
