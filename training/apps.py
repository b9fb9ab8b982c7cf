from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "People and site"


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for name on certificate, organisation and
    role instead of first and last name."""

    user_viewset = "training.viewsets.UserViewSet"
