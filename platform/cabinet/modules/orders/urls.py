from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.order_list, name="list"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.add_to_cart, name="cart-add"),
    path("cart/change/", views.change_quantity, name="cart-change"),
    path("cart/remove/", views.remove_from_cart, name="cart-remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    # Repeat and recurring orders, and invoices, keep their routes beside their views (same namespace).
    path("", include("cabinet.modules.orders.reorder_urls")),
    path("", include("cabinet.modules.orders.invoice_urls")),
]
