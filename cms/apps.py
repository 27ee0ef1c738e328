from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.users.models import UserProfile

        from .services import adopt_admin_language

        def language_chosen_in_the_admin(sender, instance, **kwargs):
            adopt_admin_language(instance)

        post_save.connect(language_chosen_in_the_admin, sender=UserProfile, weak=False,
                          dispatch_uid="cms_adopt_admin_language")
