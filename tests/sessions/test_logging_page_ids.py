"""The session page holds several forms: no two of its elements share an id (a label must
name its own field, for screen readers and for clicking the label)."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from tests.programs.factories import client_for


@pytest.mark.django_db
def test_no_two_elements_of_the_session_page_share_an_id(org, session, mentor_user):
    page = client_for(mentor_user).get(reverse("session_detail", args=[org.slug, session.pk]))
    assert page.status_code == 200
    ids = Counter(re.findall(r'\sid="([^"]+)"', page.content.decode()))
    assert [name for name, count in ids.items() if count > 1] == []
