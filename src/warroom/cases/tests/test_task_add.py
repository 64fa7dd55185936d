from django.urls import reverse

from warroom.cases.choices import EventKind, TaskState
from warroom.cases.models import Task

FORM = {"title": "Reset domain admin passwords", "due_at": "2025-08-13T12:00"}


def _url(case):
    return reverse("task-add", args=[case.reference])


def test_it_adds_a_task(client, case, alice, bob):
    client.force_login(alice)
    response = client.post(_url(case), {**FORM, "owner": bob.pk})
    task = case.tasks.get()
    assert response["Location"] == f"{case.get_absolute_url()}#tasks"
    assert (task.title, task.owner, task.state) == (FORM["title"], bob, TaskState.OPEN)


def test_it_writes_timeline_event(client, case, alice, bob):
    client.force_login(alice)
    client.post(_url(case), {**FORM, "owner": bob.pk})
    event = case.events.get(kind=EventKind.ACTION)
    assert event.text == "Task added: Reset domain admin passwords (bob, due 2025-08-13 12:00 UTC)."


def test_it_limits_owners_to_members_of_the_case(client, case, alice, charlie):
    client.force_login(alice)
    response = client.post(_url(case), {**FORM, "owner": charlie.pk})
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not Task.objects.exists()


def test_it_offers_members_as_owners(client, case, alice):
    client.force_login(alice)
    response = client.get(_url(case))
    assert ">bob</option>" in response.text
    assert "charlie" not in response.text


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    assert client.post(_url(case), FORM).status_code == 403
