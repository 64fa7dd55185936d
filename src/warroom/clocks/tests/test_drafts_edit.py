"""The draft page: pre-filled on first open, saved by version, 409 when someone saved first."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from warroom.cases.choices import EventKind
from warroom.cases.models import TimelineEvent
from warroom.clocks import drafts
from warroom.clocks.draft_forms import PREFIX
from warroom.clocks.models import Draft
from warroom.clocks.tests.test_drafts_support import (
    FIELDS,
    LABELS,
    draft_url,
    make_obligation,
    use_test_step,
)


@pytest.fixture
def obligation(case, monkeypatch):
    use_test_step(monkeypatch)
    return make_obligation(case)


def _signed_in(client, user):
    client.force_login(user)
    return client


def _post(obligation, version, **texts):
    data = {"version": str(version)}
    data.update({PREFIX + field.id: texts.get(field.id, "") for field in FIELDS})
    return data


def _save_as(obligation, user, version, **texts):
    return drafts.save_draft(
        obligation,
        user,
        {f.id: texts.get(f.id, "") for f in FIELDS},
        version=version,
        now=timezone.now(),
    )


def test_it_shows_the_fields_in_the_regulators_order(client, alice, obligation):
    page = _signed_in(client, alice).get(draft_url(obligation)).content.decode()
    positions = [page.index(f">{label}</label>") for label in LABELS]
    assert positions == sorted(positions)


def test_a_submitted_step_shows_no_time_left(client, alice, obligation):
    # The page used to say "Submitted overdue by 481 d" for a step sent in time.
    obligation.status = "submitted"
    obligation.save(update_fields=["status"])
    page = _signed_in(client, alice).get(draft_url(obligation)).content.decode()
    assert ">Submitted</span> —" in page
    assert "overdue" not in page


def test_first_open_is_pre_filled_from_the_case_and_saves_nothing(client, alice, obligation):
    page = _signed_in(client, alice).get(draft_url(obligation)).content.decode()
    assert "SharePoint servers breached" in page
    assert "Not saved yet" in page
    assert 'name="version" value="0"' in page
    assert not Draft.objects.exists()


def test_it_saves_version_1_and_says_so_on_the_timeline(client, bob, obligation):
    response = _signed_in(client, bob).post(
        draft_url(obligation), _post(obligation, 0, nature="Webshell on SharePoint")
    )
    assert response.status_code == 302
    draft = Draft.objects.get(obligation=obligation)
    assert (draft.version, draft.updated_by) == (1, bob)
    assert draft.fields["nature"] == "Webshell on SharePoint"
    assert set(draft.fields) == {field.id for field in FIELDS}  # jsonb keeps no key order
    event = TimelineEvent.objects.filter(case=obligation.case).latest("id")
    assert event.kind == EventKind.COMMUNICATION
    assert event.text == "Draft of NIS2 early warning to CSIRT of DE (BSI) saved (version 1)."


def test_it_shows_the_saved_text_once_saved(client, alice, bob, obligation):
    _save_as(obligation, bob, 0, nature="Our words, not the case's")
    page = _signed_in(client, alice).get(draft_url(obligation)).content.decode()
    assert "Our words, not the case&#x27;s" in page
    assert "Version 1, saved by bob" in page
    assert 'name="version" value="1"' in page


def test_a_save_from_the_newest_version_bumps_it(client, alice, bob, obligation):
    _save_as(obligation, bob, 0, nature="first")
    _signed_in(client, alice).post(draft_url(obligation), _post(obligation, 1, nature="second"))
    draft = Draft.objects.get(obligation=obligation)
    assert (draft.version, draft.fields["nature"]) == (2, "second")


def test_a_stale_save_is_409_and_loses_nothing(client, alice, bob, obligation):
    _save_as(obligation, bob, 0, nature="bob's first")
    _save_as(obligation, bob, 1, nature="bob's second")
    response = _signed_in(client, alice).post(
        draft_url(obligation), _post(obligation, 1, nature="alice's text")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "alice&#x27;s text" in page  # what she typed, still in the form
    assert "bob&#x27;s second" in page  # what bob saved, shown next to it
    assert page.count("differs from yours") == 1  # only where the texts differ
    assert re.search(r"bob saved version 2 of this draft", page)
    assert 'name="version" value="2"' in page  # saving again now replaces version 2
    draft = Draft.objects.get(obligation=obligation)
    assert (draft.version, draft.fields["nature"]) == (2, "bob's second")


def test_saving_again_after_the_conflict_wins(client, alice, bob, obligation):
    _save_as(obligation, bob, 0, nature="bob's")
    _signed_in(client, alice)
    client.post(draft_url(obligation), _post(obligation, 0, nature="alice's"))
    response = client.post(draft_url(obligation), _post(obligation, 1, nature="merged"))
    assert response.status_code == 302
    assert Draft.objects.get(obligation=obligation).fields["nature"] == "merged"


def test_two_first_saves_race_and_the_second_is_stale(alice, bob, obligation):
    _save_as(obligation, bob, 0, nature="bob's")
    with pytest.raises(drafts.StaleDraft) as raised:
        _save_as(obligation, alice, 0, nature="alice's")
    assert raised.value.current.fields["nature"] == "bob's"
    assert Draft.objects.get(obligation=obligation).version == 1


def test_text_over_the_limit_is_refused_with_400(client, alice, obligation):
    data = _post(obligation, 0, nature="x" * 20_001)
    response = _signed_in(client, alice).post(draft_url(obligation), data)
    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_text_of_a_field_the_step_dropped_is_kept(client, alice, bob, obligation, monkeypatch):
    _save_as(obligation, bob, 0, nature="n")
    Draft.objects.filter(obligation=obligation).update(
        fields={"nature": "n", "old_field": "written under the old form"}
    )
    page = _signed_in(client, alice).get(draft_url(obligation)).content.decode()
    assert "written under the old form" in page
    client.post(draft_url(obligation), _post(obligation, 1) | {PREFIX + "old_field": "kept"})
    assert Draft.objects.get(obligation=obligation).fields["old_field"] == "kept"


def test_an_observer_reads_but_cannot_save(client, observer, obligation):
    _signed_in(client, observer)
    page = client.get(draft_url(obligation))
    assert page.status_code == 200
    assert b'<form method="post" class="stacked">' not in page.content
    assert b"SharePoint servers breached" in page.content
    assert client.post(draft_url(obligation), _post(obligation, 0, nature="x")).status_code == 403
    assert not Draft.objects.exists()


@pytest.mark.parametrize("name", ["clock-draft", "clock-draft-md", "clock-draft-pdf"])
def test_a_non_member_gets_404(client, charlie, obligation, name):
    _signed_in(client, charlie)
    assert client.get(draft_url(obligation, name)).status_code == 404
    assert client.post(draft_url(obligation, name), _post(obligation, 0)).status_code == 404


def test_an_obligation_of_another_case_is_404(client, alice, obligation):
    other = make_obligation(_other_case(alice), key="other")
    _signed_in(client, alice)
    url = draft_url(obligation).replace(f"/{obligation.pk}/", f"/{other.pk}/")
    assert client.get(url).status_code == 404


def _other_case(user):
    from warroom.cases.actions import open_case
    from warroom.cases.choices import Severity

    now = timezone.now()
    return open_case(user, title="Other", severity=Severity.SEV3, detected_at=now, now=now)
