"""Grow the demo organisation N times over, for the pages benchmark (``bench.pages --scale N``).

The demo is small (about 40 people, 40 participants in five cohorts, 200 audit events). To see
whether a page's time holds as an organisation grows, every row about people is copied N - 1
times, each copy with its own person: the users (and their verified e-mail addresses), their
memberships, their participations in the same cohorts with their intakes, goals, offers and
readiness, their charter acknowledgements and finished resources, the audit events (by the
copied actors) and the open invitations with their pending enrolments. Programs, cohorts,
resources, runs and pairings stay as they are: a cohort of the demo simply has N times its
people. Copies are named "<name> <k>" and mailed "s<k>.<e-mail>", so the demo's own people keep
their addresses and passwords.

It writes straight to PostgreSQL (psycopg, one transaction), so no signal or service runs:
the copies are what the demo's rows already are, not new events.
"""

from urllib.parse import urlsplit

# (table, {column: which id map translates it}); in order, so each map exists when needed.
# A row whose "required" column has no translation is not copied.
PEOPLE_TABLES = [
    ("programs_participant", {"user_id": "user", "manager_id": "user?"}, "participant"),
    ("programs_menteeintake", {"participant_id": "participant"}, "menteeintake"),
    ("programs_menteegoal", {"intake_id": "menteeintake"}, None),
    ("programs_mentorintake", {"participant_id": "participant"}, "mentorintake"),
    ("programs_mentoroffer", {"intake_id": "mentorintake"}, None),
    ("programs_mentorreadiness", {"participant_id": "participant"}, None),
    ("programs_charteracknowledgement", {"user_id": "user"}, None),
    ("programs_resourcecompletion", {"user_id": "user"}, None),
    ("tenancy_auditevent", {"actor_id": "user?"}, None),
]


def _connect(database_url):
    import psycopg

    u = urlsplit(database_url)
    return psycopg.connect(
        host=u.hostname,
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        dbname=u.path.lstrip("/"),
    )


def _rows(cursor, sql, params=()):
    cursor.execute(sql, params)
    columns = [d.name for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _insert(cursor, table, row):
    from psycopg.types.json import Jsonb

    row = {key: value for key, value in row.items() if key != "id"}
    columns = ", ".join(f'"{key}"' for key in row)
    values = [Jsonb(v) if isinstance(v, dict | list) else v for v in row.values()]
    cursor.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(row))}) RETURNING id",
        values,
    )
    return cursor.fetchone()[0]


def _copy(cursor, table, rows, translate, maps):
    """Copy ``rows`` into ``table`` with their foreign keys translated; {old id: new id}."""
    copied = {}
    for row in rows:
        new = dict(row)
        for column, map_name in translate.items():
            optional = map_name.endswith("?")
            mapping = maps[map_name.rstrip("?")]
            if new[column] is None:
                continue
            if new[column] in mapping:
                new[column] = mapping[new[column]]
            elif not optional:
                break  # the row hangs on something that is not copied
        else:
            copied[row["id"]] = _insert(cursor, table, new)
    return copied


def scale_demo(database_url, factor, slug="northwind"):
    """Make the organisation ``slug`` ``factor`` times as many people (factor >= 1)."""
    if factor <= 1:
        return
    with _connect(database_url) as connection, connection.cursor() as cursor:
        (org_id,) = cursor.execute(
            "SELECT id FROM tenancy_organization WHERE slug = %s", (slug,)
        ).fetchone()
        members = _rows(
            cursor, "SELECT * FROM tenancy_membership WHERE organization_id = %s", (org_id,)
        )
        user_ids = [m["user_id"] for m in members]
        users = _rows(cursor, "SELECT * FROM accounts_user WHERE id = ANY(%s)", (user_ids,))
        addresses = _rows(
            cursor, "SELECT * FROM account_emailaddress WHERE user_id = ANY(%s)", (user_ids,)
        )
        originals = {
            table: _rows(cursor, f"SELECT * FROM {table} WHERE organization_id = %s", (org_id,))
            for table, _, _ in PEOPLE_TABLES
        }
        invitations = _rows(
            cursor,
            "SELECT * FROM accounts_invitation WHERE organization_id = %s "
            "AND accepted_at IS NULL AND revoked_at IS NULL",
            (org_id,),
        )
        pending = _rows(
            cursor, "SELECT * FROM programs_pendingenrolment WHERE organization_id = %s", (org_id,)
        )
        for k in range(2, factor + 1):
            maps = {"user": {}}
            for user in users:
                maps["user"][user["id"]] = _insert(
                    cursor,
                    "accounts_user",
                    {**user, "email": f"s{k}.{user['email']}", "name": f"{user['name']} {k}"},
                )
            for address in addresses:
                _insert(
                    cursor,
                    "account_emailaddress",
                    {
                        **address,
                        "email": f"s{k}.{address['email']}",
                        "user_id": maps["user"][address["user_id"]],
                    },
                )
            for member in members:
                _insert(
                    cursor,
                    "tenancy_membership",
                    {**member, "user_id": maps["user"][member["user_id"]]},
                )
            for table, translate, map_name in PEOPLE_TABLES:
                copied = _copy(cursor, table, originals[table], translate, maps)
                if map_name:
                    maps[map_name] = copied
            maps["invitation"] = {}
            for invitation in invitations:
                maps["invitation"][invitation["id"]] = _insert(
                    cursor,
                    "accounts_invitation",
                    {**invitation, "email": f"s{k}.{invitation['email']}"},
                )
            _copy(
                cursor, "programs_pendingenrolment", pending, {"invitation_id": "invitation"}, maps
            )
        cursor.execute("ANALYZE")
