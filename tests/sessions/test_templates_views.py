"""Pages of session templates: the library, a template's page, the editor (the working copy
of blocks with htmx or without JavaScript, the live total, the refusal next to the length),
and a program's choice of templates. Negatives first; flat query budgets."""

import pytest
from django.urls import reverse

from sessions.models import SessionTemplate
from sessions.services import templates as services
from tests.programs.factories import make_program
from tests.sessions.factories import SessionTemplateFactory, builtin, make_session
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "template-blocks"}


@pytest.fixture
def own(org, admin):
    return services.template_clone(template=builtin(org), by=admin)


def _post_rows(template, **changes):
    """The editor's POST for ``template``'s saved blocks, with ``changes`` on top."""
    data = {"count": template.blocks.count(), "t-minutes": template.minutes}
    for i, block in enumerate(template.blocks.all()):
        data.update(
            {
                f"b{i}-id": block.pk,
                f"b{i}-title": block.title,
                f"b{i}-minutes": block.minutes,
                f"b{i}-prompt": block.prompt,
                f"b{i}-outputs": block.outputs,
            }
        )
    data.update(changes)
    return data


# --- who may see and do what


def test_a_stranger_gets_404_everywhere(org, own, as_stranger):
    program = make_program(org)
    for url in [
        reverse("session_template_list", args=[org.slug]),
        reverse("session_template_detail", args=[org.slug, own.pk]),
        reverse("session_template_edit", args=[org.slug, own.pk]),
        reverse("program_session_templates", args=[org.slug, program.pk]),
    ]:
        assert as_stranger.get(url).status_code == 404


def test_a_member_gets_403_and_a_leader_reads_without_writing(org, own, as_member, as_leader):
    program = make_program(org)
    detail = reverse("session_template_detail", args=[org.slug, own.pk])
    choice = reverse("program_session_templates", args=[org.slug, program.pk])
    assert as_member.get(reverse("session_template_list", args=[org.slug])).status_code == 403
    assert as_member.get(detail).status_code == 403
    assert as_member.get(choice).status_code == 403

    assert as_leader.get(detail).status_code == 200
    assert as_leader.get(choice).status_code == 200
    assert 'type="checkbox"' not in as_leader.get(choice).content.decode()
    assert (
        as_leader.get(reverse("session_template_edit", args=[org.slug, own.pk])).status_code == 403
    )
    copy = reverse("session_template_copy", args=[org.slug, own.pk])
    assert as_leader.post(copy).status_code == 403
    blocks = reverse("session_template_blocks", args=[org.slug, own.pk])
    assert as_leader.post(blocks, _post_rows(own)).status_code == 403
    assert as_leader.post(choice, {"templates": [own.pk]}).status_code == 403
    assert program.session_templates.count() == 0


def test_another_organisations_template_is_a_404(org, other_org, as_admin):
    foreign = builtin(other_org)
    for name in ("session_template_detail", "session_template_edit"):
        assert as_admin.get(reverse(name, args=[org.slug, foreign.pk])).status_code == 404
    for name in ("session_template_copy", "session_template_archive"):
        assert as_admin.post(reverse(name, args=[org.slug, foreign.pk])).status_code == 404
    assert SessionTemplate.objects.for_org(other_org).filter(archived_at__isnull=False).count() == 0


# --- the library


def test_the_library_lists_and_filters_templates(org, own, as_leader):
    program = make_program(org, name="Floor trainers")
    services.program_templates_set(program=program, templates=[own], by=None)
    url = reverse("session_template_list", args=[org.slug])

    body = as_leader.get(url).content.decode()
    assert "On-the-floor session" in body and "Built-in" in body
    assert "Copy of On-the-floor session" in body and "Floor trainers" in body

    group = as_leader.get(
        url, {"kind": "group"}, headers={"HX-Request": "true", "HX-Target": "template-results"}
    )
    text = group.content.decode()
    assert "<html" not in text and "Cohort weekly module" in text and "Remote review" not in text
    own_only = as_leader.get(url, {"origin": "own"}).content.decode()
    assert "Copy of On-the-floor session" in own_only and "Remote review" not in own_only
    empty = as_leader.get(url, {"q": "nothing like this"}).content.decode()
    assert "No templates here" in empty


def test_library_query_budget(org, as_admin):
    url = reverse("session_template_list", args=[org.slug])

    def grow():
        for template in SessionTemplateFactory.create_batch(2, organization=org):
            services.program_templates_set(program=make_program(org), templates=[template], by=None)

    assert_flat_queries(as_admin, url, grow, n=12)


def test_template_page_query_budget(org, own, as_admin, pairing):
    url = reverse("session_template_detail", args=[org.slug, own.pk])

    def grow():
        services.template_clone(template=own, by=None)
        services.template_clone(template=own, by=None)
        make_session(pairing, template=own)
        services.program_templates_set(program=make_program(org), templates=[own], by=None)

    assert_flat_queries(as_admin, url, grow, n=14)


# --- copy and edit


def test_an_admin_copies_a_built_in_and_lands_in_the_editor(org, as_admin):
    floor = builtin(org)
    response = as_admin.post(reverse("session_template_copy", args=[org.slug, floor.pk]))
    copy = SessionTemplate.objects.for_org(org).get(copied_from=floor)
    assert response.url == reverse("session_template_edit", args=[org.slug, copy.pk])
    assert copy.name == "Copy of On-the-floor session"


def test_a_built_in_sends_the_editor_to_its_page(org, as_admin):
    floor = builtin(org)
    response = as_admin.get(reverse("session_template_edit", args=[org.slug, floor.pk]))
    assert response.url == reverse("session_template_detail", args=[org.slug, floor.pk])
    blocks = reverse("session_template_blocks", args=[org.slug, floor.pk])
    as_admin.post(blocks, _post_rows(floor, **{"b0-minutes": 7, "t-minutes": 32}))
    assert builtin(org).minutes == 30


def test_editor_query_budget(org, own, as_admin):
    url = reverse("session_template_edit", args=[org.slug, own.pk])

    def grow():
        rows = _post_rows(own)
        count = rows["count"]
        for i in (count, count + 1):
            rows.update(
                {f"b{i}-title": f"Extra {i}", f"b{i}-minutes": 5, f"b{i}-outputs": ["notes"]}
            )
        rows["count"] = count + 2
        rows["t-minutes"] = own.blocks.count() and sum(b.minutes for b in own.blocks.all()) + 10
        blocks = reverse("session_template_blocks", args=[org.slug, own.pk])
        assert as_admin.post(blocks, rows).status_code == 302

    assert_flat_queries(as_admin, url, grow, n=10)


def test_the_details_are_saved_and_refused_next_to_the_field(org, own, as_admin):
    url = reverse("session_template_edit", args=[org.slug, own.pk])
    data = {
        "name": "Floor, our way",
        "description": "",
        "kind": "micro",
        "min_minutes": 40,
        "max_minutes": 45,
    }
    refused = as_admin.post(url, data)
    assert refused.status_code == 400
    assert "The range must hold the template&#x27;s length, 30 minutes." in refused.content.decode()

    data.update(min_minutes=15)
    assert as_admin.post(url, data).status_code == 302
    own.refresh_from_db()
    assert (own.name, own.kind, own.length_range()) == ("Floor, our way", "micro", (15, 45))


def test_the_working_copy_changes_in_place_without_writing(org, own, as_admin):
    url = reverse("session_template_blocks", args=[org.slug, own.pk])

    added = as_admin.post(url, _post_rows(own, action="add"), headers=HTMX)
    body = added.content.decode()
    assert added.status_code == 200 and "<html" not in body
    assert 'name="b4-title"' in body and "35 of 30 minutes" in body
    assert "Unsaved changes" in body

    moved = as_admin.post(url, _post_rows(own, action="up:1"), headers=HTMX).content.decode()
    assert moved.index("Observation") < moved.index("Brief debrief")

    removed = as_admin.post(url, _post_rows(own, action="remove:3")).content.decode()
    assert "<html" in removed and 'name="b3-title"' not in removed and "25 of 30 minutes" in removed
    assert own.blocks.count() == 4  # nothing written


def test_the_live_total_is_rendered_as_they_type(org, own, as_admin):
    url = reverse("session_template_blocks", args=[org.slug, own.pk])
    response = as_admin.post(
        url, _post_rows(own, action="total", **{"b1-minutes": 5}), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.strip().startswith('<p id="template-blocks-total"')
    assert "25 of 30 minutes" in body
    assert "The blocks add up to 25 minutes; the template is 30." in body


def test_blocks_that_do_not_add_up_are_refused_next_to_the_length(org, own, as_admin):
    url = reverse("session_template_blocks", args=[org.slug, own.pk])
    data = _post_rows(own, action="save", **{"b1-minutes": 5})

    plain = as_admin.post(url, data)
    assert plain.status_code == 400
    body = plain.content.decode()
    assert 'id="id_t-minutes_error"' in body
    assert "The blocks add up to 25 minutes; the template is 30." in body

    in_place = as_admin.post(url, data, headers=HTMX)
    assert in_place.status_code == 200 and "id_t-minutes_error" in in_place.content.decode()
    assert [b.minutes for b in own.blocks.all()] == [5, 10, 10, 5]


def test_a_saved_working_copy_is_written_and_past_sessions_keep_theirs(org, own, as_admin, pairing):
    session = make_session(pairing, template=own)
    url = reverse("session_template_blocks", args=[org.slug, own.pk])
    data = _post_rows(
        own,
        action="save",
        **{"b1-minutes": 15, "b1-title": "Watch", "t-minutes": 35, "b1-outputs": ["signals"]},
    )

    response = as_admin.post(url, data, headers=HTMX)

    assert "The blocks are saved." in response.content.decode()
    own.refresh_from_db()
    assert own.minutes == 35
    assert [(b.title, b.minutes, b.outputs) for b in own.blocks.all()][1] == (
        "Watch",
        15,
        ["signals"],
    )
    assert [b.title for b in session.blocks.all()][1] == "Observation"


def test_archive_and_restore(org, own, as_admin):
    detail = reverse("session_template_detail", args=[org.slug, own.pk])
    as_admin.post(reverse("session_template_archive", args=[org.slug, own.pk]))
    own.refresh_from_db()
    assert own.archived_at is not None
    assert "Restore" in as_admin.get(detail).content.decode()
    as_admin.post(reverse("session_template_restore", args=[org.slug, own.pk]))
    own.refresh_from_db()
    assert own.archived_at is None


# --- a program's templates


def test_an_admin_picks_a_programs_templates(org, own, as_admin):
    program = make_program(org)
    url = reverse("program_session_templates", args=[org.slug, program.pk])
    remote = builtin(org, "remote-review")

    response = as_admin.post(url, {"templates": [own.pk, remote.pk]})

    assert response.status_code == 302
    assert set(program.session_templates.all()) == {own, remote}
    page = as_admin.get(url).content.decode()
    assert f'value="{own.pk}" checked' in page
    refused = as_admin.post(url, {"templates": [builtin(org, "shadowing-day").pk, 999999]})
    assert refused.status_code == 400
    assert set(program.session_templates.all()) == {own, remote}


def test_program_templates_query_budget(org, as_admin):
    program = make_program(org)
    url = reverse("program_session_templates", args=[org.slug, program.pk])

    def grow():
        templates = SessionTemplateFactory.create_batch(2, organization=org)
        services.program_templates_set(
            program=program, templates=[*program.session_templates.all(), *templates], by=None
        )

    assert_flat_queries(as_admin, url, grow, n=12)


def test_showing_all_lists_the_templates_in_use_before_the_archived(org, own, as_leader):
    services.template_archive(template=builtin(org, "calibration-call"), by=None)
    body = as_leader.get(
        reverse("session_template_list", args=[org.slug]), {"state": "all"}
    ).content.decode()
    assert body.index("Shadowing day") < body.index("Calibration call")
