"""The demo course holds (S3) and loading it twice adds nothing."""

from __future__ import annotations

import pytest

from attendance import demo as attendance_demo
from attendance import engine
from attendance.models import Course, Presence
from groups import demo as groups_demo
from tests.factories.attendance import ensure_seed


@pytest.mark.django_db
def test_the_demo_course_holds_and_loading_twice_adds_nothing_s3():
    ensure_seed()
    ctx = groups_demo.load()
    attendance_demo.load(ctx)
    course = Course.objects.get(title=attendance_demo.DEMO_TITLE)
    evaluation = engine.course_evaluation(course)
    assert evaluation.holds, evaluation.reasons
    assert evaluation.study_hours >= 4
    assert course.plan.name == "Politisk arbeid"
    count = Presence.objects.count()
    attendance_demo.load(ctx)
    assert Course.objects.count() == 1
    assert Presence.objects.count() == count
