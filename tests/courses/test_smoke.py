from courses.models import LessonPage


def test_course_page_lists_modules(client, course):
    response = client.get(course.url)
    assert response.status_code == 200
    for module in course.get_children():
        assert module.title in response.content.decode()


def test_enrolled_learner_opens_lesson(enrolled_client, course):
    lesson = LessonPage.objects.descendant_of(course).first()
    response = enrolled_client.get(lesson.url)
    assert response.status_code == 200
    assert "Mark as complete" in response.content.decode()
