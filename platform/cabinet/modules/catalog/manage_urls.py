from django.urls import path

from . import manage_views as views

urlpatterns = [
    path("", views.products, name="products"),
    path("products/new/", views.product_new, name="product-new"),
    path("products/<int:pk>/", views.product_edit, name="product"),
    path("products/<int:pk>/delete/", views.product_delete, name="product-delete"),
    path("products/<int:pk>/images/", views.image_add, name="image-add"),
    path("products/<int:pk>/stock/", views.stock_update, name="stock"),
    path("images/<int:pk>/delete/", views.image_delete, name="image-delete"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/", views.category_edit, name="category"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category-delete"),
    path("warehouses/", views.warehouses, name="warehouses"),
    path("warehouses/<int:pk>/", views.warehouse_edit, name="warehouse"),
    path("reservations/", views.reservations, name="reservations"),
    path("reservations/release/", views.reservation_release, name="reservation-release"),
    path("import/", views.import_csv, name="import"),
    path("export.csv", views.export_csv, name="export"),
]
