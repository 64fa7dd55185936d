"""/api/cases/{ref}/tasks: work to be done, owned by members of the case."""

from __future__ import annotations

from django.contrib.auth.models import User

from warroom.cases.models import Incident, Task
from warroom.cases.tests.api_client import ApiClient, error_fields

TASKS = "/cases/INC-2025-0001/tasks"


def test_it_adds_a_task_for_a_member(case: Incident, alice: User) -> None:
    body = {"title": "Image sp01", "owner": "bob", "due_at": "2025-08-13T12:00:00Z"}
    response = ApiClient(alice).post(TASKS, body)
    assert response.status_code == 201
    assert (response.json()["owner"], response.json()["state"]) == ("bob", "open")
    assert case.events.filter(text__startswith="Task added: Image sp01 (bob").exists()


def test_it_refuses_an_owner_outside_the_case(case: Incident, alice: User, charlie: User) -> None:
    response = ApiClient(alice).post(TASKS, {"title": "Image sp01", "owner": "charlie"})
    assert error_fields(response) == {"owner"}
    assert "'charlie' is not a member" in response.json()["detail"][0]["msg"]
    assert not Task.objects.exists()


def test_it_lists_tasks(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    api.post(TASKS, {"title": "Image sp01"})
    assert [t["title"] for t in api.get(TASKS).json()] == ["Image sp01"]


def test_it_moves_a_task_on_the_timeline(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    task = api.post(TASKS, {"title": "Image sp01", "owner": "bob"}).json()
    response = api.patch(f"{TASKS}/{task['id']}", {"state": "done", "owner": None})
    assert (response.json()["state"], response.json()["owner"]) == ("done", None)
    assert case.events.filter(text="Task Image sp01 moved from Open to Done.").exists()


def test_it_rejects_an_unknown_state(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    task = api.post(TASKS, {"title": "Image sp01"}).json()
    assert error_fields(api.patch(f"{TASKS}/{task['id']}", {"state": "finished"})) == {"state"}
