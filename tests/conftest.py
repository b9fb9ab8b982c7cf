import pytest

from courses.models import Enrolment
from tests.factories import UserFactory, make_course, make_home


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached links)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    return make_home()


@pytest.fixture
def course(home):
    return make_course(home=home, modules=2, lessons_per_module=2)


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def enrolled(learner, course):
    Enrolment.objects.create(user=learner, course=course)
    return learner


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def enrolled_client(client, enrolled):
    client.force_login(enrolled)
    return client


@pytest.fixture
def trainer(db):
    """A member of the Trainers group, as the migrations set it up."""
    from django.contrib.auth.models import Group

    user = UserFactory(email="trainer@example.org", full_name="Tess Trainer")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client
