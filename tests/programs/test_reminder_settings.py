"""A program's reminder settings (issue 11, X8): created with the program, changed by admins
on the program's reminders page (audited, bad input next to the field, nothing changed),
read by leaders, the daily e-mail cap policy, and the page's query budget."""

import pytest
from django.urls import reverse

from mentorship.notifications import policy
from mentorship.tenancy.models import AuditEvent
from programs.forms.reminders import GROUPS
from programs.models import REMINDER_FIELDS, Participant, ProgramReminders
from programs.selectors.reminders import daily_email_cap, program_reminders
from programs.services.reminder_settings import program_reminders_update
from tests.programs.factories import enrol, make_cohort, make_person, make_program
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org, name="Leadership Accelerator", cadence_days=14)


def _url(org, program):
    return reverse("program_reminders", args=[org.slug, program.pk])


def _posted(settings, **changes):
    data = {}
    for name in REMINDER_FIELDS:
        value = changes.get(name, getattr(settings, name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


# --- the row --------------------------------------------------------------------------------


def test_a_new_program_has_its_reminder_settings_with_the_defaults(org, program):
    settings = ProgramReminders.objects.for_org(org).get(program=program)
    assert program.reminders == settings
    assert (settings.session_day_before, settings.session_hour_before) == (True, False)
    assert (settings.action_overdue_days, settings.milestone_days_before) == (2, 7)
    assert (settings.invitation_resend_days, settings.invitation_max_resends) == (3, 2)
    assert (settings.intake_reminder_days, settings.cadence_margin_days) == (3, 7)
    assert settings.daily_email_cap == 3
    assert settings.check_in_after_days == 21


def test_every_setting_is_in_one_group_of_the_page():
    grouped = [name for _key, _heading, _sentence, names in GROUPS for name in names]
    assert sorted(grouped) == sorted(REMINDER_FIELDS)


def test_the_update_is_audited_with_its_changes(org, program, admin):
    program_reminders_update(
        program=program, by=admin, **{**_values(program), "daily_email_cap": 5}
    )
    event = AuditEvent.objects.for_org(org).get(action="program.reminders_updated")
    assert event.data == {"daily_email_cap": [3, 5]}
    assert event.actor == admin


def test_an_update_that_changes_nothing_is_not_audited(org, program, admin):
    program_reminders_update(program=program, by=admin, **_values(program))
    assert not AuditEvent.objects.for_org(org).filter(action="program.reminders_updated")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("daily_email_cap", 0),
        ("daily_email_cap", 21),
        ("invitation_max_resends", 3),
        ("action_overdue_days", 61),
    ],
)
def test_the_service_refuses_values_out_of_range_and_changes_nothing(
    org, program, admin, field, value
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        program_reminders_update(program=program, by=admin, **{field: value})
    assert field in refused.value.message_dict
    assert getattr(program_reminders(program=program), field) == getattr(ProgramReminders(), field)
    assert not AuditEvent.objects.for_org(org).filter(action="program.reminders_updated")


def _values(program):
    settings = program_reminders(program=program)
    return {name: getattr(settings, name) for name in REMINDER_FIELDS}


# --- the daily cap policy -------------------------------------------------------------------


def test_the_daily_cap_is_the_lowest_of_the_persons_active_programs(org, admin):
    person = make_person(org)
    strict, loose, left = (make_program(org) for _ in range(3))
    for program, cap in ((strict, 2), (loose, 9), (left, 1)):
        program_reminders_update(program=program, by=admin, daily_email_cap=cap)
    enrol(make_cohort(org, program=strict), user=person)
    enrol(make_cohort(org, program=loose), user=person, role=Participant.Role.MENTOR)
    enrol(make_cohort(org, program=left), user=person, status=Participant.Status.WITHDRAWN)

    assert policy.daily_cap(organization=org, user=person) == 2


def test_the_daily_cap_defaults_to_three_without_a_program(org, member):
    assert policy.daily_cap(organization=org, user=member) == policy.DEFAULT_DAILY_CAP == 3


def test_the_daily_cap_reads_only_the_organisations_own_programs(
    org, other_org, admin, django_assert_num_queries
):
    person = make_person(org)
    theirs = make_program(other_org)
    program_reminders_update(program=theirs, by=None, daily_email_cap=1)
    enrol(make_cohort(other_org, program=theirs), user=person)
    enrol(make_cohort(org), user=person)

    with django_assert_num_queries(1):
        assert daily_email_cap(organization=org, user=person) == 3


# --- the page: who may see it ---------------------------------------------------------------


def test_a_stranger_gets_404(org, program, as_stranger):
    assert as_stranger.get(_url(org, program)).status_code == 404


def test_a_member_gets_403(org, program, as_member):
    assert as_member.get(_url(org, program)).status_code == 403
    response = as_member.post(_url(org, program), _posted(program.reminders, daily_email_cap=9))
    assert response.status_code == 403
    assert program_reminders(program=program).daily_email_cap == 3


def test_a_leader_reads_the_settings_but_cannot_change_them(org, program, as_leader):
    response = as_leader.get(_url(org, program))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Save reminder settings" not in body
    assert "Only admins change these." in body
    assert "A pair needs a check-in when it has had no session for <strong>21 days</strong>" in body

    refused = as_leader.post(_url(org, program), _posted(program.reminders, daily_email_cap=9))
    assert refused.status_code == 403
    assert program_reminders(program=program).daily_email_cap == 3


def test_another_organisations_program_is_a_404(org, other_org, as_admin):
    theirs = make_program(other_org)
    assert as_admin.get(reverse("program_reminders", args=[org.slug, theirs.pk])).status_code == 404
    response = as_admin.post(
        reverse("program_reminders", args=[org.slug, theirs.pk]),
        _posted(theirs.reminders, daily_email_cap=9),
    )
    assert response.status_code == 404
    assert program_reminders(program=theirs).daily_email_cap == 3


# --- the page: the admin's form -------------------------------------------------------------


def test_the_admin_sees_each_group_with_what_is_sent_and_the_calibration_day(
    org, program, as_admin
):
    body = as_admin.get(_url(org, program)).content.decode()
    for _key, heading, sentence, _names in GROUPS:
        assert f"<legend>{heading}</legend>" in body
        assert sentence.replace("'", "&#x27;") in body
    assert "On day <strong>30</strong> of each pairing" in body
    assert reverse("matching_settings", args=[org.slug, program.pk]) in body
    assert "plus 7 days' margin" in body


def test_the_admin_changes_the_settings(org, program, admin, as_admin):
    data = _posted(
        program.reminders,
        session_hour_before=True,
        habit_checkin=False,
        cadence_margin_days=10,
        daily_email_cap=5,
    )
    response = as_admin.post(_url(org, program), data)
    assert response.status_code == 302
    settings = program_reminders(program=program)
    assert settings.session_hour_before is True
    assert settings.habit_checkin is False
    assert (settings.cadence_margin_days, settings.daily_email_cap) == (10, 5)
    assert settings.check_in_after_days == 24
    event = AuditEvent.objects.for_org(org).get(action="program.reminders_updated")
    assert event.data["habit_checkin"] == [True, False]


def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(org, program, as_admin):
    data = _posted(program.reminders, daily_email_cap=0, invitation_max_resends=5)
    data["cadence_margin_days"] = "soon"
    response = as_admin.post(_url(org, program), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "daily_email_cap" in form.errors
    assert "invitation_max_resends" in form.errors
    assert "cadence_margin_days" in form.errors
    assert form.errors["daily_email_cap"] == ["Enter a whole number from 1 to 20."]
    assert form.errors["invitation_max_resends"] == ["Enter a whole number from 0 to 2."]
    assert form.errors["cadence_margin_days"] == ["Enter a whole number from 0 to 60."]
    body = response.content.decode()
    assert 'id="id_daily_email_cap_error"' in body
    # The rule in words shows what is stored, not the refused input.
    assert "plus 7 days' margin" in body
    settings = program_reminders(program=program)
    assert (settings.daily_email_cap, settings.invitation_max_resends) == (3, 2)
    assert not AuditEvent.objects.for_org(org).filter(action="program.reminders_updated")


def test_the_program_page_links_to_its_reminders(org, program, as_leader):
    body = as_leader.get(reverse("program_detail", args=[org.slug, program.pk])).content.decode()
    assert _url(org, program) in body


def test_the_reminders_page_has_a_flat_query_budget(org, program, as_admin, as_leader):
    def grow():
        for _ in range(2):
            enrol(make_cohort(org, program=program))
            make_program(org)

    assert_flat_queries(
        as_admin, reverse("program_reminders", args=[org.slug, program.pk]), grow, n=12
    )
    assert_flat_queries(
        as_leader, reverse("program_reminders", args=[org.slug, program.pk]), grow, n=12
    )


def test_the_data_migration_gives_an_older_program_its_row(org, program):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0009_program_reminders_every_program")
    ProgramReminders.objects.for_org(org).filter(program=program).delete()
    kept = make_program(org)

    migration.forwards(apps, None)

    assert ProgramReminders.objects.for_org(org).filter(program=program).count() == 1
    assert ProgramReminders.objects.for_org(org).filter(program=kept).count() == 1
    # The page of a program without its row reads the defaults and writes nothing.
    ProgramReminders.objects.for_org(org).filter(program=program).delete()
    assert program_reminders(program=program).pk is None
    assert program_reminders(program=program).daily_email_cap == 3


def test_changing_an_older_programs_settings_writes_its_row(org, program, admin):
    ProgramReminders.objects.for_org(org).filter(program=program).delete()
    program_reminders_update(program=program, by=admin, daily_email_cap=4)
    assert ProgramReminders.objects.for_org(org).get(program=program).daily_email_cap == 4
    assert AuditEvent.objects.for_org(org).filter(action="program.reminders_updated").count() == 1


def test_the_page_shows_the_calibration_day_of_the_matching_settings(org, program, admin, as_admin):
    from matching.services.settings import matching_settings_update

    matching_settings_update(program=program, by=admin, calibration_day=45)
    body = as_admin.get(_url(org, program)).content.decode()
    assert "On day <strong>45</strong> of each pairing" in body
