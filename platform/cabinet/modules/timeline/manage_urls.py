from django.urls import path

from . import manage_views

urlpatterns = [
    path("customers/<int:customer_id>/", manage_views.customer_timeline, name="customer"),
    path("customers/<int:customer_id>/log/", manage_views.log, name="log"),
]
