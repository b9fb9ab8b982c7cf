from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class TrainingConfig(AppConfig):
    default = True
    name = "training"
    verbose_name = "People and site"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")
        from . import checks  # noqa: F401  (registers the system checks)
        from .pagecache import connect_signals

        connect_signals()
        from .learnercache import connect_signals as learner_cache_signals

        learner_cache_signals()
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import SupportSettings
        from .selectors import support_url_forget

        # The cached "Getting support" link must follow the page and the setting.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(support_url_forget, dispatch_uid=f"support-url-{signal}")
        post_save.connect(support_url_forget, sender=SupportSettings)
        post_delete.connect(support_url_forget, sender="wagtailcore.Page")


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for name on certificate, organisation and
    role instead of first and last name."""

    user_viewset = "training.viewsets.UserViewSet"
