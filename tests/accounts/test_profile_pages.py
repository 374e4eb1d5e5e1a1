"""Profiles (issue 10): the photo check and resize, the person's own profile page, a member's
profile page (who may see it: negatives first), the photo view, the profile's time zone in
zones_of, and the name asked at sign-up."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from mentorship.accounts.models import Profile
from mentorship.accounts.services import photo_square_jpeg, profile_update
from sessions.selectors.people import zone_of
from tests.factories import MembershipFactory
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import make_person
from tests.sessions.factories import KudosFactory, make_session
from tests.utils import assert_flat_queries


def image_upload(size=(640, 480), fmt="PNG", name="me.png", exif=False):
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 40, 40))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        kwargs["exif"] = data
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- the photo -----------------------------------------------------------------------------


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(db):
    upload = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        photo_square_jpeg(upload)
    assert "Choose a photo: a JPEG, PNG, GIF or WebP image." in str(error.value)


def test_a_photo_too_large_is_refused(db, monkeypatch):
    monkeypatch.setattr(Profile, "PHOTO_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as error:
        photo_square_jpeg(image_upload())
    assert "too large" in str(error.value)


def test_a_photo_becomes_a_square_jpeg_without_its_metadata(db):
    photo = photo_square_jpeg(image_upload(size=(900, 500), fmt="JPEG", name="me.jpg", exif=True))
    with Image.open(io.BytesIO(photo.read())) as image:
        assert image.format == "JPEG"
        assert image.size == (Profile.PHOTO_SIZE, Profile.PHOTO_SIZE)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info


def test_profile_update_is_the_persons_own_and_refuses_a_bad_photo_saving_nothing(
    org, member, admin, media
):
    with pytest.raises(ValidationError):
        profile_update(organization=org, user=member, by=admin, data={"name": "X"})
    bad = SimpleUploadedFile("me.gif", b"GIF89a-broken", content_type="image/gif")
    with pytest.raises(ValidationError):
        profile_update(
            organization=org, user=member, by=member, data={"name": "Mia", "bio": "Hi"}, photo=bad
        )
    assert not Profile.objects.for_org(org).filter(user=member).exists()
    member.refresh_from_db()
    assert member.name != "Mia"


# --- my profile ----------------------------------------------------------------------------


def test_my_profile_saves_name_photo_bio_zone_and_languages(org, member, as_member, media):
    url = reverse("my_profile", args=[org.slug])
    assert as_member.get(url).status_code == 200

    response = as_member.post(
        url,
        {
            "name": "Mia Member",
            "bio": "I coach floor technique.",
            "time_zone": "Asia/Tokyo",
            "languages": "English, Japanese",
            "photo": image_upload(),
        },
    )

    assert response.status_code == 302
    profile = Profile.objects.for_org(org).get(user=member)
    member.refresh_from_db()
    assert member.name == "Mia Member"
    assert profile.bio == "I coach floor technique." and profile.languages == "English, Japanese"
    assert (
        profile.photo.name.startswith(f"profiles/{org.pk}/")
        and (media / profile.photo.name).exists()
    )
    # The profile's zone wins over the intake's and the organisation's.
    assert str(zone_of(organization=org, user=member)) == "Asia/Tokyo"
    # The photo is served to members of the organisation, to nobody else.
    assert as_member.get(profile.photo.url).status_code == 200
    assert Client().get(profile.photo.url).status_code == 404


def test_my_profile_shows_the_photos_refusal_next_to_the_field(org, member, as_member, media):
    bad = SimpleUploadedFile("me.png", b"nope", content_type="image/png")
    response = as_member.post(reverse("my_profile", args=[org.slug]), {"name": "Mia", "photo": bad})
    assert response.status_code == 400 or response.status_code == 200
    assert "Choose a photo: a JPEG, PNG, GIF or WebP image." in response.content.decode()
    assert not Profile.objects.for_org(org).filter(user=member).exists()


def test_a_photo_of_another_organisation_is_not_served(org, other_org, member, as_member, media):
    stranger = make_person(other_org)
    profile = profile_update(
        organization=other_org, user=stranger, by=stranger, data={"name": "S"}, photo=image_upload()
    )
    assert as_member.get(profile.photo.url).status_code == 404


def test_my_profile_query_budget(org, member, as_member):
    def grow():
        for _ in range(2):
            MembershipFactory(user=member)

    assert_flat_queries(as_member, reverse("my_profile", args=[org.slug]), grow, n=10)


# --- a member's profile: who may see it ----------------------------------------------------


@pytest.fixture
def paired(org):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=2)
    pairing = pair(mentees[0], mentors[0], days_ago=10)
    return pairing, mentors[1].user, mentees[1].user


def _profile_url(org, user):
    return reverse("member_profile", args=[org.slug, user.pk])


def test_a_stranger_gets_404(org, paired, as_stranger):
    assert as_stranger.get(_profile_url(org, paired[0].mentor.user)).status_code == 404


def test_a_member_with_no_reason_gets_404(org, paired, member, as_member):
    assert as_member.get(_profile_url(org, paired[0].mentor.user)).status_code == 404


def test_a_leader_with_no_reason_gets_404(org, paired, as_leader):
    assert as_leader.get(_profile_url(org, paired[0].mentor.user)).status_code == 404


def test_someone_of_another_organisation_is_404_even_to_an_admin(org, other_org, as_admin):
    assert as_admin.get(_profile_url(org, make_person(other_org))).status_code == 404


def test_the_mentee_sees_their_mentors_profile_with_competencies_kudos_and_credits(
    org, paired, media
):
    pairing = paired[0]
    mentor, mentee = pairing.mentor.user, pairing.mentee.user
    profile_update(
        organization=org,
        user=mentor,
        by=mentor,
        data={"name": "Mona Mentor", "bio": "Floor lead.", "languages": "Welsh"},
    )
    done = make_session(pairing, status="completed")
    KudosFactory(session=done)

    response = _client(mentee).get(_profile_url(org, mentor))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Mona Mentor" in content and "Floor lead." in content and "Welsh" in content
    assert "Offers as a mentor" in content and "Kudos received" in content
    assert response.context["recognition"].kudos == 1
    assert "Time-bank credits" in content
    assert mentor.initials in content  # no photo: initials


def test_the_mentor_sees_their_mentees_profile_with_what_they_seek(org, paired):
    pairing = paired[0]
    response = _client(pairing.mentor.user).get(_profile_url(org, pairing.mentee.user))
    assert response.status_code == 200
    assert "Recognition" not in response.content.decode()


def test_an_admin_sees_anyones_and_a_person_their_own(org, paired, as_admin, member, as_member):
    assert as_admin.get(_profile_url(org, paired[0].mentee.user)).status_code == 200
    assert as_member.get(_profile_url(org, member)).status_code == 200


def test_member_profile_query_budget(org, paired, as_admin):
    pairing = paired[0]
    mentor = pairing.mentor.user

    def grow():
        for _ in range(2):
            KudosFactory(session=make_session(pairing, status="completed"))

    url = reverse("member_profile", args=[org.slug, mentor.pk])
    assert_flat_queries(as_admin, url, grow, n=20)


# --- sign-up asks for a name ---------------------------------------------------------------


def test_sign_up_asks_for_a_name(db):
    from mentorship.accounts.models import User

    data = {
        "email": "new@example.org",
        "password1": "a-long-pass-2026!",
        "password2": "a-long-pass-2026!",
    }
    response = Client().post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()
    assert 'name="name"' in response.content.decode()

    Client().post(reverse("account_signup"), {**data, "name": "Nora New"})
    assert User.objects.get(email="new@example.org").name == "Nora New"


def test_a_profiles_time_zone_wins_over_the_intakes_and_an_empty_one_does_not(org, member):
    from sessions.selectors.people import zones_of
    from tests.programs.factories import MenteeIntakeFactory, enrol, make_cohort

    MenteeIntakeFactory(
        participant=enrol(make_cohort(org), user=member), time_zone="America/New_York"
    )
    other = make_person(org)
    MenteeIntakeFactory(participant=enrol(make_cohort(org), user=other), time_zone="Europe/Madrid")
    profile_update(
        organization=org, user=member, by=member, data={"name": "M", "time_zone": "Asia/Tokyo"}
    )
    profile_update(organization=org, user=other, by=other, data={"name": "O", "time_zone": ""})

    zones = zones_of(organization=org, user_ids=[member.pk, other.pk])

    assert str(zones[member.pk]) == "Asia/Tokyo"
    assert str(zones[other.pk]) == "Europe/Madrid"


def test_a_mentor_listed_in_the_directory_is_seen_by_any_member_from_the_card(
    org, member, as_member
):
    from tests.matching.factories import OfferingFactory

    mentor = make_person(org, name="Dora Directory")
    offering = OfferingFactory(organization=org, mentor=mentor)
    url = _profile_url(org, mentor)

    assert url in as_member.get(reverse("directory", args=[org.slug])).content.decode()
    assert as_member.get(url).status_code == 200
    offering.active = False
    offering.save()
    assert as_member.get(url).status_code == 404  # no longer listed: no reason left


def test_a_photo_address_other_than_a_stored_photos_name_is_not_found(org, as_member, media):
    (media / "profiles" / str(org.pk)).mkdir(parents=True, exist_ok=True)
    (media / "profiles" / str(org.pk) / "notes.txt").write_text("not a photo")
    for name in ("..", "notes.txt"):
        url = reverse("media_photo", args=[org.pk, name])
        assert as_member.get(url).status_code == 404


# --- the top bar shows the person's photo ---------------------------------------------------


def _topbar(content):
    start = content.index('<details class="usermenu">')
    return content[start : content.index("</summary>", start)]


def test_the_top_bar_shows_the_photo_of_this_organisations_profile_else_initials(
    org, other_org, member, as_member, media
):
    member.name = "Mia Member"
    member.save()
    MembershipFactory(organization=other_org, user=member)
    home = reverse("org_home", args=[org.slug])
    before = _topbar(as_member.get(home).content.decode())
    assert member.initials in before and "<img" not in before

    profile = profile_update(
        organization=org, user=member, by=member, data={"name": "Mia Member"}, photo=image_upload()
    )

    bar = _topbar(as_member.get(home).content.decode())
    assert f'src="{profile.photo.url}"' in bar and 'alt="Mia Member"' in bar
    assert member.initials not in bar.replace('alt="Mia Member"', "")
    # Served by the membership-checked view.
    assert as_member.get(profile.photo.url).status_code == 200
    # Another organisation's pages show that organisation's profile: none there, initials.
    other_bar = _topbar(as_member.get(reverse("org_home", args=[other_org.slug])).content.decode())
    assert "<img" not in other_bar and member.initials in other_bar


def test_the_top_bars_photo_costs_no_query(org, member, as_member, media):
    url = reverse("my_profile", args=[org.slug])
    as_member.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without_photo:
        as_member.get(url)
    profile_update(
        organization=org, user=member, by=member, data={"name": "M"}, photo=image_upload()
    )
    with CaptureQueriesContext(connection) as with_photo:
        content = as_member.get(url).content.decode()
    assert "<img" in _topbar(content)
    assert len(with_photo) == len(without_photo)


# --- a photo is written only with its row --------------------------------------------------


def test_a_later_step_of_the_save_failing_leaves_no_photo_file_behind(
    org, member, media, monkeypatch
):
    from mentorship.accounts.models import User

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(User, "save", broken_save)
    with pytest.raises(RuntimeError):
        profile_update(
            organization=org,
            user=member,
            by=member,
            data={"name": "New Name"},
            photo=image_upload(),
        )

    assert not Profile.objects.for_org(org).filter(user=member).exists()
    assert not list(media.rglob("*.jpg"))


def test_a_failed_profile_check_leaves_no_file_and_the_old_photo(org, member, media):
    first = profile_update(
        organization=org, user=member, by=member, data={"name": "M"}, photo=image_upload()
    )
    with pytest.raises(ValidationError):
        profile_update(
            organization=org,
            user=member,
            by=member,
            data={"name": "M", "time_zone": "Mars/Olympus"},
            photo=image_upload(),
        )

    assert [p.relative_to(media).as_posix() for p in media.rglob("*.jpg")] == [first.photo.name]
    assert Profile.objects.for_org(org).get(user=member).photo.name == first.photo.name


def _signup_field(content, name):
    start = content.index(f'name="{name}"')
    tag_start = content.rindex("<input", 0, start)
    return content[tag_start : content.index(">", start) + 1]


def test_sign_up_through_an_invitation_prefills_its_name_and_address(org, admin):
    from mentorship.accounts.invitations import invitation_token
    from tests.factories import InvitationFactory

    plain = _signup_field(Client().get(reverse("account_signup")).content.decode(), "name")
    assert "value=" not in plain  # nobody's name without an invitation

    invitation = InvitationFactory(
        organization=org, email="nina.new@example.org", name="Nina Newcomer", invited_by=admin
    )
    client = Client()
    assert (
        client.get(reverse("invitation_accept", args=[invitation_token(invitation)])).status_code
        == 200
    )
    content = client.get(reverse("account_signup")).content.decode()

    assert 'value="Nina Newcomer"' in _signup_field(content, "name")
    assert 'value="nina.new@example.org"' in _signup_field(content, "email")


def test_an_invitation_without_a_name_prefills_the_address_only(org, admin):
    from mentorship.accounts.invitations import invitation_token
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(
        organization=org, email="nina.new@example.org", name="", invited_by=admin
    )
    client = Client()
    client.get(reverse("invitation_accept", args=[invitation_token(invitation)]))
    content = client.get(reverse("account_signup")).content.decode()

    assert "value=" not in _signup_field(content, "name")
    assert 'value="nina.new@example.org"' in _signup_field(content, "email")
    # A revoked invitation prefills nothing.
    invitation.revoked_at = invitation.created_at
    invitation.save()
    content = client.get(reverse("account_signup")).content.decode()
    assert "value=" not in _signup_field(content, "name")


def test_the_account_pages_show_a_photo_of_one_of_the_persons_organisations(
    org, member, as_member, media
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("account_email")
    as_member.get(url)
    with CaptureQueriesContext(connection) as without_photo:
        assert "<img" not in _topbar(as_member.get(url).content.decode())
    profile = profile_update(
        organization=org, user=member, by=member, data={"name": "Mia"}, photo=image_upload()
    )
    with CaptureQueriesContext(connection) as with_photo:
        bar = _topbar(as_member.get(url).content.decode())
    assert f'src="{profile.photo.url}"' in bar and 'alt="Mia"' in bar
    assert len(with_photo) == len(without_photo)
