"""Certificates add their card to the courses dashboard through
``courses.signals.dashboard_extending``, and their script once per page."""

from tests.factories import UserFactory, make_course


def test_three_certificate_cards_load_the_copy_link_script_once(client, home, issue):
    learner = UserFactory()
    for _ in range(3):
        course = make_course(home=home, modules=1, lessons_per_module=1)
        issue(user=learner, course_=course)
    client.force_login(learner)
    html = client.get("/my-learning/").content.decode()
    assert html.count("Copy link") == 3
    assert html.count("copy-link.js") == 1
