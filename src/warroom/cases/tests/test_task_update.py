from django.urls import reverse

from warroom.cases.choices import EventKind, TaskState


def _url(case, task):
    return reverse("task-update", args=[case.reference, task.pk])


def test_it_changes_the_state(client, case, bob, task):
    client.force_login(bob)
    response = client.post(_url(case, task), {"state": "in_progress"})
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    assert response["Location"] == f"{case.get_absolute_url()}#tasks"


def test_it_writes_timeline_event(client, case, bob, task):
    client.force_login(bob)
    client.post(_url(case, task), {"state": "done"})
    event = case.events.newest_first().first()
    assert event.kind == EventKind.ACTION
    assert event.text == "Task Image SP-FE-01 moved from Open to Done."


def test_it_rejects_an_unknown_state(client, case, bob, task):
    client.force_login(bob)
    response = client.post(_url(case, task), {"state": "forgotten"})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_it_refuses_observers(client, case, observer, task):
    client.force_login(observer)
    assert client.post(_url(case, task), {"state": "done"}).status_code == 403
