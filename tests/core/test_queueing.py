"""Requests that waited too long in the queue are answered 503 without being served
(mentorship.core.queueing, wrapped around the WSGI application gunicorn runs)."""

import io
import time
from wsgiref.util import setup_testing_defaults

import pytest

from mentorship.core.queueing import DropStaleRequests, request_start

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("t=1800000000.250", 1_800_000_000.25),  # nginx: t=${msec}
        ("1800000000250", 1_800_000_000.25),  # Heroku: milliseconds
        ("t=1800000000250000", 1_800_000_000.25),  # Apache %t: microseconds
        ("1800000000250000000", 1_800_000_000.25),  # nanoseconds
        ("1800000000", 1_800_000_000.0),
        (" t=1800000000.5 ", 1_800_000_000.5),
    ],
)
def test_the_proxys_stamp_is_read_in_any_unit(value, seconds):
    assert request_start(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["", "t=", "soon", "t=abc", "-5", "0", "nan", "inf"])
def test_a_stamp_that_is_not_a_time_is_ignored(value):
    assert request_start(value) is None


class App:
    """A WSGI application that counts the requests it serves."""

    def __init__(self):
        self.served = 0

    def __call__(self, environ, start_response):
        self.served += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"served"]


def call(app, **headers):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/o/acme/"}
    environ.update(headers)
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.mark.parametrize(
    "stamp", ["t=1799999970.000", "1799999970000", "t=1799999970000000"], ids=["s", "ms", "us"]
)
def test_a_request_that_waited_past_the_limit_gets_503_and_is_not_served(stamp, caplog):
    inner = App()
    app = DropStaleRequests(inner, limit=20, clock=lambda: NOW)  # waited 30 s
    status, headers, body = call(app, HTTP_X_REQUEST_START=stamp)
    assert status.startswith("503")
    assert headers["Retry-After"] == "5" and headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body) and b"try again" in body
    assert inner.served == 0
    assert "waited 30.0 s" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_REQUEST_START": "t=1799999990.000"},  # waited 10 s: under the limit
        {"HTTP_X_REQUEST_START": "t=1800000005.000"},  # a proxy clock ahead of ours
        {"HTTP_X_REQUEST_START": "garbage"},
        {},  # no proxy stamp: nothing is checked
    ],
    ids=["fresh", "future", "garbage", "no-header"],
)
def test_other_requests_are_served(headers):
    inner = App()
    app = DropStaleRequests(inner, limit=20, clock=lambda: NOW)
    status, _, body = call(app, **headers)
    assert status == "200 OK" and body == b"served" and inner.served == 1


def test_a_limit_of_zero_turns_the_check_off():
    inner = App()
    app = DropStaleRequests(inner, limit=0, clock=lambda: NOW)
    status, _, _ = call(app, HTTP_X_REQUEST_START="t=1000000000")
    assert status == "200 OK" and inner.served == 1


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("REQUEST_QUEUE_TIMEOUT", "7.5")
    assert DropStaleRequests(App()).limit == 7.5
    monkeypatch.delenv("REQUEST_QUEUE_TIMEOUT")
    assert DropStaleRequests(App()).limit == 20


def wsgi_get(path, **headers):
    from mentorship.wsgi import application

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    environ.update(headers)
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "testserver"
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status

    b"".join(application(environ, start_response))
    return answer["status"]


@pytest.mark.django_db
def test_the_application_gunicorn_runs_drops_stale_requests_before_django():
    fresh = f"t={time.time():.3f}"
    stale = f"t={time.time() - 600:.3f}"
    assert wsgi_get("/healthz/", HTTP_X_REQUEST_START=fresh).startswith("200")
    assert wsgi_get("/healthz/").startswith("200")
    assert wsgi_get("/healthz/", HTTP_X_REQUEST_START=stale).startswith("503")
