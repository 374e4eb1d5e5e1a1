"""The demo's profiles (issue 10): bios for the people the plans story names, and generated
initials photos for some of them, so the top bar and the profile pages show both kinds."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from mentorship.accounts.models import Profile
from mentorship.accounts.services import photo_square_jpeg

BIOS = {
    "Amara Okafor": "Runs people operations and the academy's programs. Ask me about "
    "anything that is not working for you.",
    "Daniel Reyes": "Leads the club managers. Former head coach; I still teach Saturday's "
    "strength class.",
    "Priya Nair": "Head coach of the strength floor. Ten years of coaching, three of training "
    "coaches. I like short cues and long warm-ups.",
    "Leila Haddad": "Client success lead. I mentor on client conversations and retention.",
    "Samuel Adeyemi": "Group classes and sales. Happy to talk about filling a class and "
    "keeping it full.",
    "Mei Chen": "Facilitates the trainer cohorts' weekly module.",
    "Ben Carter": "New trainer on the early shift. Working on cueing and planning "
    "regressions before class.",
    "Nadia Petrova": "Trainer on the evening team, moving from group classes to personal training.",
    "Maya Osei": "New trainer, former physiotherapy assistant. Learning to coach groups.",
}
PHOTOS = {  # name -> background colour of the generated square
    "Priya Nair": (37, 99, 142),
    "Ben Carter": (180, 83, 9),
    "Samuel Adeyemi": (21, 128, 61),
    "Maya Osei": (126, 34, 206),
}


def initials_photo(name, colour):
    """A deterministic PNG: ``colour`` with the person's initials in white."""
    image = Image.new("RGB", (256, 256), colour)
    draw = ImageDraw.Draw(image)
    letters = "".join(part[0] for part in name.split()[:2]).upper()
    try:
        font = ImageFont.load_default(size=110)
    except TypeError:  # a Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    draw.text((128, 128), letters, fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="photo.png")


def profiles_populate(demo, rng):
    from mentorship.accounts.models import User

    org = demo.organization
    users = {u.name: u for u in User.objects.members_of(org).filter(name__in=list(BIOS))}
    existing = set(Profile.objects.for_org(org).values_list("user_id", flat=True))
    plain = []
    for name, bio in BIOS.items():
        user = users.get(name)
        if user is None or user.pk in existing:
            continue
        profile = Profile(organization=org, user=user, bio=bio)
        if name in PHOTOS:
            photo = photo_square_jpeg(initials_photo(name, PHOTOS[name]))
            profile.photo.save(photo.name, photo, save=False)
            profile.full_clean()
            profile.save()
        else:
            plain.append(profile)
    Profile.objects.for_org(org).bulk_create(plain)
