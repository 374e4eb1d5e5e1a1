"""The sessions panels of the home page (D5): the mentee's day, the mentor's mentees, the
facilitator's cohorts; their empty states; nothing of another pair or organisation; and the
home page's query budget as pairings, habits, check-ins, actions and sessions grow."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import HabitCheckIn, Plan, PlanMilestone, Session
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import enrol, make_cohort
from tests.sessions.factories import (
    ActionItemFactory,
    CorrectionFactory,
    MicroHabitFactory,
    make_session,
)
from tests.utils import assert_flat_queries


def _home(client, org):
    return client.get(reverse("org_home", args=[org.slug]))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _keys(response):
    return [p.key for p in response.context["home_panels"]]


def make_plan(pairing, *, overdue=0, done=0, ahead=1):
    today = timezone.localdate()
    plan = Plan.objects.create(
        organization=pairing.organization,
        pairing=pairing,
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=70),
    )
    rows = [(today - timedelta(days=3), None)] * overdue
    rows += [(today - timedelta(days=5), timezone.now())] * done
    rows += [(today + timedelta(days=10), None)] * ahead
    for i, (due_on, done_at) in enumerate(rows):
        PlanMilestone.objects.create(
            organization=pairing.organization,
            plan=plan,
            title=f"Milestone {i}",
            due_on=due_on,
            done_at=done_at,
        )
    return plan


def habit_with_history(session, days_done):
    """A daily habit of the session's mentee started 13 days ago, done on ``days_done`` of
    the 13 past days (the most recent first)."""
    today = timezone.localdate()
    habit = MicroHabitFactory(session=session, starts_on=today - timedelta(days=13))
    for back in range(1, days_done + 1):
        HabitCheckIn.objects.create(
            organization=habit.organization,
            habit=habit,
            day=today - timedelta(days=back),
            state="done",
        )
    return habit


# --- the mentee ----------------------------------------------------------------------------


def test_the_mentee_sees_next_session_with_pre_work_actions_plan_and_corrections(
    org, pairing, mentee_user
):
    past = make_session(pairing, starts_in=-timedelta(days=6), status=Session.Status.COMPLETED)
    for text in ["Hips square on the cue", "Count the tempo aloud"]:
        CorrectionFactory(session=past, text=text)
    upcoming = make_session(pairing, title="Floor review", starts_in=timedelta(days=1))
    ActionItemFactory(
        session=past, text="Film one set", due_on=timezone.localdate() - timedelta(days=2)
    )
    ActionItemFactory(session=past, text="Read the module")
    make_plan(pairing, overdue=1, done=1, ahead=1)

    response = _home(_client(mentee_user), org)

    assert response.status_code == 200
    assert _keys(response)[0] == "my-day"
    content = response.content.decode()
    assert 'aria-labelledby="home-day-heading"' in content
    detail = reverse("session_detail", args=[org.slug, upcoming.pk])
    assert "Floor review" in content and detail in content
    assert f"{detail}#pre-work-{upcoming.pk}" in content  # the built-in asks for pre-work
    assert "Film one set" in content and "Overdue:" in content and "Read the module" in content
    assert "At risk" in content and "1 milestone overdue" in content
    assert "1 of 3 milestones done" in content
    assert "Hips square on the cue" in content and "Count the tempo aloud" in content


def test_a_mentee_with_nothing_yet_sees_what_to_do_next(org, member):
    enrol(make_cohort(org, status="active"), user=member)

    response = _home(_client(member), org)

    assert "my-day" in _keys(response)
    content = response.content.decode()
    assert "No session booked" in content
    assert "Nothing open" in content
    assert "your 90-day plan is made when you are paired" in content
    assert "None yet. After a session your mentor notes" in content


def test_the_mentees_panel_shows_none_of_another_pairs_rows(org, pair_cohort, mentee_user):
    _, _, other = pair_cohort
    other_session = make_session(other, title="Their session", starts_in=timedelta(hours=3))
    ActionItemFactory(session=other_session, text="Their action")

    content = _home(_client(mentee_user), org).content.decode()

    assert "Their session" not in content and "Their action" not in content


def test_people_who_take_no_part_get_no_sessions_panel(org, admin, as_admin):
    assert not {"my-day", "my-mentees", "my-cohorts"} & set(_keys(_home(as_admin, org)))


# --- the mentor ----------------------------------------------------------------------------


def test_the_mentor_sees_each_mentee_status_adherence_next_session_to_log_and_load(
    org, pairing, mentor_user
):
    session = make_session(pairing, starts_in=-timedelta(days=1))  # confirmed, not logged
    habit_with_history(session, days_done=13)
    ActionItemFactory(
        session=session, text="Send the clip", due_on=timezone.localdate() - timedelta(days=4)
    )
    nxt = make_session(pairing, title="Next floor", starts_in=timedelta(days=3))
    make_plan(pairing, overdue=3)

    response = _home(_client(mentor_user), org)

    assert "my-mentees" in _keys(response)
    home = response.context["home_panels"][_keys(response).index("my-mentees")].context[
        "mentor_home"
    ]
    assert home.mentees == 1 and home.capacity == 2 and home.to_log_count == 1
    assert home.sessions_this_month >= 1
    content = response.content.decode()
    assert str(pairing.mentee.user) in content
    assert "Off track" in content and "3 milestones overdue" in content
    assert "habits 100 % over 14 days" in content
    assert reverse("session_detail", args=[org.slug, nxt.pk]) in content
    assert reverse("session_detail", args=[org.slug, session.pk]) in content  # to log
    assert "Send the clip" in content
    assert "of 2 you can take" in content
    assert reverse("plan_detail", args=[org.slug, pairing.pk]) in content


def test_a_mentor_without_mentees_is_told_how_they_come(org, member):
    cohort, mentors, _, _ = cohort_with_people(org, mentors=1, mentees=1)

    content = _home(_client(mentors[0].user), org).content.decode()

    assert "No mentee yet" in content
    assert "None: every action of your pairings is done" in content


# --- the facilitator -----------------------------------------------------------------------


def test_the_facilitator_sees_cohorts_next_group_sessions_and_attendance_to_take(org, member):
    cohort = make_cohort(org, name="Trainers spring", status="active", facilitator=member)
    enrol(cohort)
    past = make_session(
        cohort=cohort, title="Week 1 module", starts_in=-timedelta(days=2), mentor=member
    )
    nxt = make_session(
        cohort=cohort, title="Week 2 module", starts_in=timedelta(days=5), mentor=member
    )

    response = _home(_client(member), org)

    assert "my-cohorts" in _keys(response)
    content = response.content.decode()
    assert "Trainers spring" in content and "1 participant" in content
    assert (
        "Week 1 module" in content
        and reverse("session_detail", args=[org.slug, past.pk]) in content
    )
    assert (
        "Week 2 module" in content and reverse("session_detail", args=[org.slug, nxt.pk]) in content
    )


def test_a_facilitator_with_no_sessions_sees_how_to_plan_them(org, member):
    make_cohort(org, status="active", facilitator=member)

    content = _home(_client(member), org).content.decode()

    assert "All taken" in content and "None planned" in content


def test_nothing_of_another_organisation_appears(org, other_org, member):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_org, user=member)
    elsewhere = make_cohort(other_org, name="Globex trainers", status="active", facilitator=member)
    make_session(cohort=elsewhere, title="Globex module", mentor=member)

    content = _home(_client(member), org).content.decode()

    assert "Globex trainers" not in content and "Globex module" not in content


# --- the budget ----------------------------------------------------------------------------


def _grow_everything(org, user):
    """For ``user``: another pairing as a mentee and two as a mentor (each with a plan,
    habits with check-ins, actions done, open and overdue, sessions past, to log and next),
    and a cohort they facilitate with group sessions past and ahead."""
    mentee_cohort, mentors, _, _ = cohort_with_people(org, mentors=1, mentees=0)
    as_mentee = enrol(mentee_cohort, user=user)
    pairings = [pair(as_mentee, mentors[0], days_ago=15)]
    mentor_cohort, _, mentees, _ = cohort_with_people(org, mentors=0, mentees=2)
    as_mentor = enrol(mentor_cohort, user=user, role="mentor")
    from tests.programs.factories import MentorIntakeFactory

    MentorIntakeFactory(participant=as_mentor, capacity=3)
    pairings += [pair(m, as_mentor, days_ago=15) for m in mentees]
    for pairing in pairings:
        make_plan(pairing, overdue=1, done=1)
        done = make_session(pairing, starts_in=-timedelta(days=8), status=Session.Status.COMPLETED)
        CorrectionFactory(session=done)
        make_session(pairing, starts_in=-timedelta(hours=5))  # to log
        make_session(pairing, starts_in=timedelta(days=2))
        for days in (3, 9):
            habit_with_history(done, days_done=days)
        ActionItemFactory(session=done, due_on=timezone.localdate() - timedelta(days=1))
        ActionItemFactory(session=done, owner=user)
    cohort = make_cohort(org, status="active", facilitator=user)
    enrol(cohort)
    make_session(cohort=cohort, starts_in=-timedelta(days=1), mentor=user)
    make_session(cohort=cohort, starts_in=timedelta(days=1), mentor=user)


def test_the_home_page_stays_flat_as_every_sessions_panel_grows(org, member):
    client = _client(member)

    assert_flat_queries(
        client, reverse("org_home", args=[org.slug]), lambda: _grow_everything(org, member), n=38
    )
    keys = _keys(_home(client, org))
    assert {"my-day", "my-mentees", "my-cohorts"} <= set(keys)


def _pairing_reads(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _home(client, org)
    with CaptureQueriesContext(connection) as queries:
        _home(client, org)
    sql = [q["sql"] for q in queries.captured_queries]
    return [q for q in sql if q.startswith('SELECT "matching_pairing"."id"')], len(sql)


def test_the_home_page_reads_pairings_only_for_a_mentor_or_mentee_and_theirs_once(org, member):
    """The panels learn the person's roles from one read of their participations: a person
    who only facilitates reads no pairing; a mentee's pairings are read once for My day and
    My mentoring; the mentor's panel reads its own (ordered by the mentees' names)."""
    cohort = make_cohort(org, status="active", facilitator=member)
    enrol(cohort, user=member, role="facilitator")
    client = _client(member)
    reads, _ = _pairing_reads(client, org)
    assert reads == []
    assert "my-cohorts" in _keys(_home(client, org))

    mentee_cohort, mentors, _, _ = cohort_with_people(org, mentors=1, mentees=0)
    pair(enrol(mentee_cohort, user=member), mentors[0], days_ago=3)
    reads, _ = _pairing_reads(client, org)
    assert len(reads) == 1
    assert {"my-day", "my-mentoring"} <= set(_keys(_home(client, org)))

    mentor_cohort, _, mentees, _ = cohort_with_people(org, mentors=0, mentees=1)
    pair(mentees[0], enrol(mentor_cohort, user=member, role="mentor"), days_ago=3)
    reads, _ = _pairing_reads(client, org)
    assert len(reads) == 2
    assert {"my-day", "my-mentees", "my-mentoring"} <= set(_keys(_home(client, org)))


def test_a_facilitator_with_no_group_session_to_show_reads_no_time_zone(org, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = make_cohort(org, status="active", facilitator=member)
    client = _client(member)

    def zone_reads():
        _home(client, org)
        with CaptureQueriesContext(connection) as queries:
            response = _home(client, org)
        assert "my-cohorts" in _keys(response)
        return [q for q in queries.captured_queries if 'AS "time_zone"' in q["sql"]]

    assert zone_reads() == []
    # A group session ahead is shown in the facilitator's zone: read then.
    make_session(cohort=cohort, starts_in=timedelta(days=1), mentor=member)
    assert zone_reads()


def test_the_panels_given_no_participants_of_their_role_answer_none_without_a_query(org, member):
    from sessions.selectors.home import mentee_home, mentor_home
    from tests.utils import max_queries

    with max_queries(0):
        assert mentee_home(organization=org, user=member, participants=[]) is None
        assert mentor_home(organization=org, user=member, participants=[]) is None


def test_the_home_page_reads_the_zones_of_the_viewer_and_their_mentees_once(org, member):
    """A mentee who also mentors and facilitates: one read of zones (one query) for the
    page, the viewer's and their mentees' together, however many panels show times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow_everything(org, member)
    client = _client(member)
    _home(client, org)
    with CaptureQueriesContext(connection) as queries:
        response = _home(client, org)
    assert {"my-day", "my-mentees", "my-cohorts"} <= set(_keys(response))
    zone_reads = [q for q in queries.captured_queries if 'AS "time_zone"' in q["sql"]]
    assert len(zone_reads) == 1


def test_sessions_panels_selectors_read_in_a_fixed_number_of_queries(org, member):
    """The counts the selectors' docstrings give, for a person with nothing (the panels'
    None) — the home page's budget test covers them with rows."""
    from sessions.selectors.home import facilitator_home, mentee_home, mentor_home
    from tests.utils import max_queries

    with max_queries(2):
        assert mentee_home(organization=org, user=member) is None
    with max_queries(2):
        assert mentor_home(organization=org, user=member) is None
    with max_queries(1):
        assert facilitator_home(organization=org, user=member) is None


def test_a_topic_pairing_says_it_has_no_plan_to_the_mentee_and_the_mentor(org, admin):
    from matching.models import Pairing
    from tests.programs.factories import CompetencyFactory

    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=1)
    topic = CompetencyFactory(area__organization=org, name="Spotting the vault")
    pairing = pair(mentees[0], mentors[0], days_ago=5, kind=Pairing.Kind.TOPIC, topic=topic)
    assert not Plan.objects.for_org(org).filter(pairing=pairing).exists()

    mentee, mentor = pairing.mentee.user, pairing.mentor.user
    said = {
        mentee: f"Topic pairing with {mentor} (Spotting the vault): no 90-day plan",
        mentor: "Topic pairing (Spotting the vault): no 90-day plan",
    }
    for user, sentence in said.items():
        content = " ".join(_home(_client(user), org).content.decode().split())
        assert sentence in content, user


def test_an_action_due_today_says_today(org, pairing, mentee_user):
    from sessions.selectors.people import zone_of

    today = timezone.localtime(timezone.now(), zone_of(organization=org, user=mentee_user)).date()
    past = make_session(pairing, starts_in=-timedelta(days=2), status=Session.Status.COMPLETED)
    ActionItemFactory(session=past, text="Send the clip", due_on=today)

    content = " ".join(_home(_client(mentee_user), org).content.decode().split())

    assert "Send the clip" in content and "due today" in content


def test_the_home_page_reads_the_mentees_habits_once_for_my_day_and_its_plan(org, member):
    """The mentee's "My day" shows the live habits and the plan progress counts their
    adherence: one read of the habits (with their check-ins and pauses) serves both. (The
    person also mentors:
    the other read is of their mentees' habits, for the mentor panel's plan progress.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow_everything(org, member)
    client = _client(member)
    _home(client, org)
    with CaptureQueriesContext(connection) as queries:
        response = _home(client, org)
    assert "my-day" in _keys(response)
    habit_reads = [
        q
        for q in queries.captured_queries
        if 'FROM "mentoring_microhabit"' in q["sql"] and "mentoring_habitcheckin" not in q["sql"]
    ]
    assert len(habit_reads) == 2
    assert sum(f'"mentee_id" = {member.pk}' in q["sql"] for q in habit_reads) == 1


def test_the_facilitators_cohorts_are_read_only_for_someone_who_may_facilitate_one(org, member):
    """The participations the home page reads once say whether the person facilitates a
    live cohort (enrolled as its active facilitator, or named on any cohort): a mentee who
    facilitates nothing reads no facilitator's cohorts; one named on a cohort gets the panel."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cohort_reads():
        _home(client, org)
        with CaptureQueriesContext(connection) as queries:
            keys = _keys(_home(client, org))
        sql = [q["sql"] for q in queries.captured_queries]
        # The facilitator's read: the cohorts with their people counted.
        facilitator_read = 'FROM "programs_cohort"', 'AS "people"'
        return [q for q in sql if all(part in q for part in facilitator_read)], keys

    mentee_cohort, mentors, _, _ = cohort_with_people(org, mentors=1, mentees=0)
    pair(enrol(mentee_cohort, user=member), mentors[0], days_ago=3)
    client = _client(member)
    reads, keys = cohort_reads()
    assert reads == [] and "my-day" in keys and "my-cohorts" not in keys

    enrol(make_cohort(org, status="completed"), user=member, role="facilitator")
    enrol(make_cohort(org, status="active"), user=member, role="facilitator", status="withdrawn")
    make_cohort(org, status="completed", facilitator=member)
    reads, keys = cohort_reads()
    assert reads == [] and "my-cohorts" not in keys

    make_cohort(org, status="active", facilitator=member)  # named, not enrolled
    reads, keys = cohort_reads()
    assert len(reads) == 1 and "my-cohorts" in keys


def test_the_facilitators_counts_and_attendance_to_take_come_from_their_own_rows(org, member):
    """Each cohort counts its active mentors and mentees (not its facilitators, not who
    withdrew), whether the person is named on it or enrolled as its facilitator; a past
    group session whose attendance was taken is no longer to take."""
    from sessions.models import Attendance
    from sessions.selectors.home import facilitator_home

    named = make_cohort(org, name="Named", status="active", facilitator=member)
    enrol(named)
    enrol(named, role="mentor")
    enrol(named, status="withdrawn")
    enrol(named, role="facilitator")
    enrolled = make_cohort(org, name="Enrolled", status="matching")
    enrol(enrolled, user=member, role="facilitator")
    make_cohort(org, name="Done", status="completed", facilitator=member)
    taken = make_session(cohort=named, title="Taken", starts_in=-timedelta(days=3), mentor=member)
    untaken = make_session(cohort=named, title="Untaken", starts_in=-timedelta(days=2))
    Attendance.objects.create(
        organization=org,
        session=taken,
        participant=enrol(named),
        status=Attendance.Status.PRESENT,
    )

    home = facilitator_home(organization=org, user=member)

    assert {c.name: c.people for c in home.cohorts} == {"Named": 3, "Enrolled": 0}
    assert [s.pk for s in home.to_take] == [untaken.pk]
