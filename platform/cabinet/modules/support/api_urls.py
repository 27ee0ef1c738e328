from rest_framework.routers import SimpleRouter

from .api import RequestViewSet

router = SimpleRouter()
router.register("", RequestViewSet, basename="request")
urlpatterns = router.urls
