from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .middleware import clear_routing_cache
from .models import Domain, Tenant


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def tenant_routing_changed(**kwargs):
    clear_routing_cache()
