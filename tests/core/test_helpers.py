"""The helpers every app uses, written once in mentorship/core/."""

import datetime
from decimal import Decimal

import pytest
from celery import shared_task
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings

from mentorship.core.models import audit_value, changes_between, model_update
from mentorship.core.tasks import OrganizationTask, current_organization, queue_per_organization
from mentorship.core.urls import absolute_url, site_root
from mentorship.core.views import action_submit, add_errors, error_text, form_submit
from tests.programs.factories import ProgramFactory

# --- views ---------------------------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="post", data=None, path="/o/acme/things/"):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_form_submit_saves_flashes_and_redirects():
    request = _request(data={"name": "Ada"})
    form = NameForm(request.POST)
    response = form_submit(
        request,
        form,
        lambda data: data["name"].upper(),
        message=lambda result: f"{result} saved.",
        redirect_to=lambda result: f"/done/{result}/",
    )
    assert response.status_code == 302
    assert response.url == "/done/ADA/"
    assert _messages(request) == [("success", "ADA saved.")]


def test_form_submit_puts_a_refusal_next_to_its_field_and_lets_the_view_render():
    request = _request(data={"name": "Ada"})
    form = NameForm(request.POST)
    reloaded = []

    def refuse(data):
        raise ValidationError({"name": "Taken.", "other": "Not a field."})

    response = form_submit(request, form, refuse, message="never", on_error=reloaded.append)
    assert response is None
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not a field."]
    assert len(reloaded) == 1
    assert _messages(request) == []


def test_form_submit_does_nothing_on_a_get_or_an_invalid_form():
    called = []
    get = _request("get")
    assert form_submit(get, NameForm(), called.append) is None
    post = _request(data={})
    form = NameForm(post.POST)
    assert form_submit(post, form, called.append) is None
    assert called == []
    assert "name" in form.errors


def test_form_submit_redirects_to_the_page_itself_without_a_target():
    request = _request(data={"name": "Ada"}, path="/o/acme/things/?page=2")
    response = form_submit(request, NameForm(request.POST), lambda data: None)
    assert response.url == "/o/acme/things/?page=2"


def test_action_submit_reports_done_and_refused():
    request = _request()
    response = action_submit(request, lambda: "x", redirect_to="/back/", message="Archived.")
    assert (response.status_code, response.url) == (302, "/back/")
    assert _messages(request) == [("success", "Archived.")]

    request = _request()

    def refuse():
        raise ValidationError(["Still running.", "Finish it first."])

    response = action_submit(request, refuse, redirect_to="/back/", message="never")
    assert response.url == "/back/"
    assert _messages(request) == [("error", "Still running. Finish it first.")]


def test_add_errors_and_error_text():
    form = NameForm({"name": "x"})
    form.is_valid()
    add_errors(form, ValidationError("Plain."))
    assert form.non_field_errors() == ["Plain."]
    assert error_text(ValidationError({"a": "One.", "b": "Two."})) == "One. Two."


# --- models --------------------------------------------------------------------------------


def test_audit_values_are_plain_json():
    assert audit_value(None) is None
    assert audit_value(3) == 3
    assert audit_value(datetime.date(2027, 1, 4)) == "2027-01-04"
    assert audit_value(Decimal("1.50")) == "1.50"
    assert audit_value([datetime.time(9, 30)]) == ["09:30:00"]
    assert changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_model_update_saves_only_what_changed_and_returns_the_changes(db, org):
    program = ProgramFactory(organization=org, name="Old", cadence_days=14)
    changes = model_update(
        program, {"name": "New", "cadence_days": 14}, fields=["name", "cadence_days"]
    )
    assert changes == {"name": ["Old", "New"]}
    program.refresh_from_db()
    assert program.name == "New"
    assert model_update(program, {"name": "New"}) == {}


def test_model_update_refuses_unknown_fields_and_invalid_values(db, org):
    program = ProgramFactory(organization=org, name="Kept")
    with pytest.raises(TypeError, match="unknown fields: colour"):
        model_update(program, {"colour": "red"}, fields=["name"])
    with pytest.raises(ValidationError):
        model_update(program, {"name": ""})
    program.refresh_from_db()
    assert program.name == "Kept"


# --- urls ----------------------------------------------------------------------------------


@override_settings(SITE_URL="https://mentor.example/")
def test_absolute_url_from_a_path_a_name_or_a_request():
    assert site_root() == "https://mentor.example"
    assert absolute_url("/o/acme/") == "https://mentor.example/o/acme/"
    assert absolute_url("org_home", "acme") == "https://mentor.example/o/acme/"
    assert absolute_url("/x/", site_url="http://other.test/") == "http://other.test/x/"
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    assert absolute_url("/x/", request=request) == "http://testserver/x/"


# --- tasks ---------------------------------------------------------------------------------


@shared_task(base=OrganizationTask, bind=True, name="tests.core.whose_work")
def whose_work(self, organization, suffix=""):
    assert current_organization.get() == organization
    return organization.slug + suffix


def test_an_organization_task_receives_the_organisation_and_runs_in_its_scope(db, org):
    assert whose_work.delay(org.pk, "!").get() == "acme!"
    assert current_organization.get() is None


def test_an_organization_task_for_a_deleted_organisation_does_nothing(db):
    assert whose_work.delay(2_147_483_000).get() is None


ATTEMPTS = []


@shared_task(base=OrganizationTask, bind=True, name="tests.core.flaky_work", retry_backoff=False)
def flaky_work(self, organization, note):
    ATTEMPTS.append((self.request.retries, self.request.args))
    if len(ATTEMPTS) < 3:
        raise ConnectionError("the mail server is away")
    return f"{organization.slug}:{note}"


def test_an_organization_task_is_retried_with_the_organisations_id(db, org):
    """A retry re-queues the request's arguments: they must be the id it was called with,
    not the Organization the function received (which a broker could not carry)."""
    ATTEMPTS.clear()
    assert flaky_work.apply(args=(org.pk, "n")).get() == "acme:n"
    assert [(retries, list(args)) for retries, args in ATTEMPTS] == [
        (0, [org.pk, "n"]),
        (1, [org.pk, "n"]),
        (2, [org.pk, "n"]),
    ]


def test_an_organization_task_carries_the_retry_settings():
    assert whose_work.acks_late is True
    assert whose_work.autoretry_for == (Exception,)
    assert whose_work.max_retries == 5
    assert whose_work.retry_backoff == 2


def test_queue_per_organization_queues_each_organisation_once(db, org, other_org):
    sent = []

    class Recorder:
        def delay(self, *args):
            sent.append(args)

    assert queue_per_organization(Recorder(), [other_org.pk, org.pk, org.pk], "x") == 2
    assert sent == sorted([(org.pk, "x"), (other_org.pk, "x")])


def test_the_health_view_answers_without_touching_the_database(client):
    # No database fixture: any query would raise "Database access not allowed".
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


# --- cache ---------------------------------------------------------------------------------


def test_an_unreachable_redis_is_an_empty_cache_that_forgets(caplog):
    """The site keeps serving when Redis is down: reads answer their default, writes are
    dropped, a lock is taken at once; each is logged."""
    from mentorship.core.cache import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {})  # nothing listens on port 1
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1, 60) is None
    assert cache.add("lock", True, timeout=10) is True
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    assert "Cache unavailable" in caplog.text


@pytest.mark.django_db
def test_signing_in_works_while_the_shared_cache_is_down(settings, client):
    from tests.factories import UserFactory

    settings.CACHES = {
        "default": {
            "BACKEND": "mentorship.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    UserFactory(email="ada@example.org")
    response = client.post(
        "/accounts/login/", {"login": "ada@example.org", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
