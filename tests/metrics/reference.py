"""A second, plainly written path to the indicators, for the truth tests: straightforward
Python over the rows, read with ``values()``. It does not use the catalogue's functions nor
metrics.selectors; it follows the formulas in words (metrics/catalogue.py) and the periods
and levels metrics/selectors/inputs.py documents.
"""

from collections import defaultdict
from datetime import timedelta
from statistics import median

from matching.models import Pairing
from metrics.models import OutcomeEvent
from programs.models import Assessment, Participant
from sessions.models import (
    ActionItem,
    HabitCheckIn,
    HabitPause,
    Kudos,
    MicroHabit,
    Objective,
    ObjectiveRating,
    PulseAnswer,
    Session,
    SignalValue,
)


class Reference:
    def __init__(self, organization, day):
        self.org, self.day = organization, day
        self.zone = organization.zoneinfo
        self.pairings = {
            p["pk"]: p
            for p in Pairing.objects.for_org(organization).values(
                "pk",
                "cohort_id",
                "cohort__program_id",
                "cohort__program__cadence_days",
                "cohort__cadence_days",
                "mentor__user_id",
                "accepted_at",
                "ended_at",
            )
        }
        self.sessions = list(
            Session.objects.for_org(organization).values(
                "pairing_id", "status", "starts_at", "cancelled_late", "minutes"
            )
        )

    def local(self, moment):
        return None if moment is None else moment.astimezone(self.zone).date()

    def keys(self, pairing_id):
        """The object of each level a row of this pairing counts for."""
        p = self.pairings[pairing_id]
        return {
            "organisation": self.org.pk,
            "program": p["cohort__program_id"],
            "cohort": p["cohort_id"],
            "pair": pairing_id,
            "mentor": p["mentor__user_id"],
        }

    def window(self, days):
        return self.day - timedelta(days=days - 1), self.day

    # --- leading ------------------------------------------------------------------------

    def cadence(self):
        """{(level, id): (meeting, judged)}"""
        out = defaultdict(lambda: [0, 0])
        for pk, p in self.pairings.items():
            started = self.local(p["accepted_at"])
            ended = self.local(p["ended_at"])
            if started is None or started > self.day or (ended is not None and ended <= self.day):
                continue
            target = p["cohort__cadence_days"] or p["cohort__program__cadence_days"]
            window = max(28, target)
            alive = (self.day - started).days + 1
            needed = min(window, alive) // target
            if needed == 0:
                continue
            first = self.day - timedelta(days=window - 1)
            done = 0
            for s in self.sessions:
                on = self.local(s["starts_at"])
                if s["pairing_id"] == pk and s["status"] == "completed" and first <= on <= self.day:
                    done += 1
            for key in self.keys(pk).items():
                out[key][1] += 1
                if done >= needed:
                    out[key][0] += 1
        return out

    def session_rates(self):
        """{(level, id): [no-shows, held, late cancels, booked]} over the last 28 days."""
        start, end = self.window(28)
        out = defaultdict(lambda: [0, 0, 0, 0])
        for s in self.sessions:
            on = self.local(s["starts_at"])
            if s["pairing_id"] is None or not start <= on <= end:
                continue
            for key in self.keys(s["pairing_id"]).items():
                if s["status"] in ("completed", "no_show"):
                    out[key][1] += 1
                if s["status"] == "no_show":
                    out[key][0] += 1
                if s["status"] in ("completed", "no_show", "cancelled"):
                    out[key][3] += 1
                if s["status"] == "cancelled" and s["cancelled_late"]:
                    out[key][2] += 1
        return out

    def actions(self):
        """{(level, id): [on time, due]} for actions due in the last 28 days."""
        start, end = self.window(28)
        out = defaultdict(lambda: [0, 0])
        for a in ActionItem.objects.for_org(self.org).values("pairing_id", "due_on", "done_at"):
            if a["pairing_id"] is None or not start <= a["due_on"] <= end:
                continue
            done = self.local(a["done_at"])
            for key in self.keys(a["pairing_id"]).items():
                out[key][1] += 1
                if done is not None and done <= a["due_on"]:
                    out[key][0] += 1
        return out

    def pulse(self):
        """{(level, id): [sum, count]} of the answers of the last 28 days."""
        start, end = self.window(28)
        out = defaultdict(lambda: [0, 0])
        for a in PulseAnswer.objects.for_org(self.org).values(
            "session__pairing_id", "score", "answered_at"
        ):
            on = self.local(a["answered_at"])
            if a["session__pairing_id"] is None or a["score"] is None or on is None:
                continue
            if start <= on <= end:
                for key in self.keys(a["session__pairing_id"]).items():
                    out[key][0] += a["score"]
                    out[key][1] += 1
        return out

    def sessions_delivered(self):
        """{(level, id): completed sessions of the last 28 days}, by the pairs' mentors."""
        start, end = self.window(28)
        out = defaultdict(int)
        for s in self.sessions:
            on = self.local(s["starts_at"])
            if s["pairing_id"] and s["status"] == "completed" and start <= on <= end:
                for level, oid in self.keys(s["pairing_id"]).items():
                    if level in ("organisation", "program", "mentor"):
                        out[(level, oid)] += 1
        return out

    def kudos_of_mentors(self):
        start, end = self.window(28)
        mentors = {p["mentor__user_id"] for p in self.pairings.values()}
        total = 0
        for k in Kudos.objects.for_org(self.org).values("recipient_id", "created_at"):
            if k["recipient_id"] in mentors and start <= self.local(k["created_at"]) <= end:
                total += 1
        return total

    def habits(self):
        """{(level, id): [done, due]} over the last 28 days, every habit together: a daily
        habit is due every day of its life not paused, a weekdays one Monday to Friday, and
        neither on a skipped day nor today unless done today; an N-a-week habit is due
        ceil(N x active days / 7) times in each week's part (at most its active days), and
        counts at most that many done."""
        first, today = self.window(28)
        checkins = defaultdict(dict)
        for c in HabitCheckIn.objects.for_org(self.org).values("habit_id", "day", "state"):
            checkins[c["habit_id"]][c["day"]] = c["state"]
        pauses = defaultdict(list)
        for p in HabitPause.objects.for_org(self.org).values("habit_id", "starts_on", "ends_on"):
            pauses[p["habit_id"]].append((p["starts_on"], p["ends_on"]))
        out = defaultdict(lambda: [0, 0])
        for h in (
            MicroHabit.objects.for_org(self.org)
            .exclude(pairing=None)
            .values("pk", "pairing_id", "cadence", "times_per_week", "starts_on", "ends_on")
        ):

            def active(day, h=h):
                if day < h["starts_on"] or (h["ends_on"] and day > h["ends_on"]):
                    return False
                return not any(a <= day and (b is None or day <= b) for a, b in pauses[h["pk"]])

            states = checkins[h["pk"]]
            last = min(today, h["ends_on"]) if h["ends_on"] else today
            start = max(first, h["starts_on"])
            days = [start + timedelta(n) for n in range((last - start).days + 1)]
            done = due = 0
            if h["cadence"] == "per_week":
                weeks = defaultdict(list)
                for day in days:
                    weeks[day - timedelta(days=day.weekday())].append(day)
                for week_days in weeks.values():
                    alive = [d for d in week_days if active(d)]
                    quota = -(-(h["times_per_week"] or 1) * len(alive) // 7) if alive else 0
                    quota = min(quota, len(alive))
                    got = sum(1 for d in alive if states.get(d) == "done")
                    due += quota
                    done += min(got, quota)
            else:
                for day in days:
                    if not active(day) or (h["cadence"] == "weekdays" and day.weekday() >= 5):
                        continue
                    state = states.get(day)
                    if state == "skipped" or (day == today and state != "done"):
                        continue
                    due += 1
                    done += state == "done"
            for key in self.keys(h["pairing_id"]).items():
                out[key][0] += done
                out[key][1] += due
        return out

    def competence(self):
        """({(level, id): [(days, reached)]} per mentee and objective with a target level,
        the same per pairing for ramp time (every objective reached: the last day)), from
        the objectives' review ratings and the rubric signals of their competency about the
        mentee, from the pairing's start until the day (or its end)."""
        readings = defaultdict(list)  # (objective) -> [(day, level)]
        for r in ObjectiveRating.objects.for_org(self.org).values(
            "objective_id", "review__submitted_at", "rating"
        ):
            readings[("objective", r["objective_id"])].append(
                (self.local(r["review__submitted_at"]), r["rating"])
            )
        for v in (
            SignalValue.objects.for_org(self.org)
            .filter(signal_type__kind="rubric")
            .values("subject_id", "signal_type__competency_id", "session__starts_at", "value")
        ):
            readings[("signal", v["subject_id"], v["signal_type__competency_id"])].append(
                (self.local(v["session__starts_at"]), float(v["value"]))
            )
        per_objective, per_pairing = defaultdict(list), defaultdict(dict)
        for o in (
            Objective.objects.for_org(self.org)
            .exclude(target_level=None)
            .values(
                "pk",
                "competency_id",
                "target_level",
                "plan__pairing_id",
                "plan__pairing__mentee__user_id",
            )
        ):
            pairing = self.pairings[o["plan__pairing_id"]]
            start = self.local(pairing["accepted_at"])
            if start is None or start > self.day:
                continue
            ended = self.local(pairing["ended_at"])
            seen = min(self.day, ended) if ended else self.day
            found = (
                readings[("objective", o["pk"])]
                + readings[("signal", o["plan__pairing__mentee__user_id"], o["competency_id"])]
            )
            hits = sorted(
                d for d, level in found if start <= d <= seen and level >= o["target_level"]
            )
            reached = hits[0] if hits else None
            item = ((reached - start).days, True) if reached else ((seen - start).days, False)
            for key in self.keys(o["plan__pairing_id"]).items():
                if key[0] != "mentor":
                    per_objective[key].append(item)
            per_pairing[o["plan__pairing_id"]][o["pk"]] = (start, seen, reached)
        ramp = defaultdict(list)
        for pairing_id, objectives in per_pairing.items():
            start, seen, _ = next(iter(objectives.values()))
            days = [reached for _, _, reached in objectives.values()]
            item = ((max(days) - start).days, True) if all(days) else ((seen - start).days, False)
            for level, oid in self.keys(pairing_id).items():
                if level in ("organisation", "program", "cohort"):
                    ramp[(level, oid)].append(item)
        return per_objective, ramp

    # --- signals ------------------------------------------------------------------------

    def latest_signal_mean(self, name_start, *, percent=False):
        """{(level, id): mean over trainees of their latest reading in the last 90 days};
        ``percent``: readings outside 0..100 left out, the rest as a share."""
        start, end = self.window(90)
        latest = defaultdict(dict)  # key -> subject -> (when, value)
        for v in SignalValue.objects.for_org(self.org).values(
            "session__pairing_id",
            "subject_id",
            "value",
            "session__starts_at",
            "signal_type__name",
        ):
            if v["session__pairing_id"] is None:
                continue
            if not v["signal_type__name"].lower().startswith(name_start):
                continue
            on = self.local(v["session__starts_at"])
            value = float(v["value"])
            if not start <= on <= end or (percent and not 0 <= value <= 100):
                continue
            value = value / 100 if percent else value
            for key in self.keys(v["session__pairing_id"]).items():
                seen = latest[key].get(v["subject_id"])
                if seen is None or on >= seen[0]:
                    latest[key][v["subject_id"]] = (on, value)
        return {key: sum(value for _, value in by.values()) / len(by) for key, by in latest.items()}

    # --- people of a group ----------------------------------------------------------------

    def participants(self):
        return list(
            Participant.objects.for_org(self.org).values(
                "pk",
                "user_id",
                "role",
                "status",
                "cohort_id",
                "cohort__program_id",
                "cohort__ends_on",
                "cohort__program__certification_threshold",
                "enrolled_at",
                "status_changed_at",
            )
        )

    def group_keys(self, row):
        return [
            ("organisation", self.org.pk),
            ("program", row["cohort__program_id"]),
            ("cohort", row["cohort_id"]),
        ]

    def certification(self):
        """{(level, id): [certified, mentees of ended cohorts]}"""
        finals = {}
        for a in (
            Assessment.objects.for_org(self.org)
            .filter(kind="final")
            .order_by("assessed_on", "pk")
            .values("participant_id", "average", "assessed_on")
        ):
            if a["assessed_on"] <= self.day:
                finals[a["participant_id"]] = float(a["average"])
        out = defaultdict(lambda: [0, 0])
        for row in self.participants():
            if row["role"] != "mentee" or not row["cohort__ends_on"] < self.day:
                continue
            threshold = float(row["cohort__program__certification_threshold"])
            for key in self.group_keys(row):
                out[key][1] += 1
                if finals.get(row["pk"]) is not None and finals[row["pk"]] >= threshold:
                    out[key][0] += 1
        return out

    def retention(self):
        """{(level, id): [still employed at the end, employed at the start]} of the
        participants (not facilitators) with outcome events, over the last 365 days."""
        start, end = self.window(365)
        events = defaultdict(list)
        for e in (
            OutcomeEvent.objects.for_org(self.org)
            .exclude(user=None)
            .values("user_id", "event", "occurred_on")
        ):
            if e["occurred_on"] <= self.day:
                events[e["user_id"]].append(e)

        def employed(user_id, on):
            hired = left = None
            for e in sorted(events[user_id], key=lambda e: e["occurred_on"]):
                if e["event"] == "hired":
                    hired, left = e["occurred_on"], None
                elif e["event"] == "left":
                    left = e["occurred_on"]
            return (hired is None or hired <= on) and (left is None or left > on)

        people = defaultdict(set)
        for row in self.participants():
            if row["role"] != "facilitator" and events[row["user_id"]]:
                for key in self.group_keys(row):
                    people[key].add(row["user_id"])
        out, promotions = {}, {}
        for key, users in people.items():
            at_start = [u for u in users if employed(u, start)]
            out[key] = [sum(1 for u in at_start if employed(u, end)), len(at_start)]
            promoted = sum(
                1
                for u in users
                for e in events[u]
                if e["event"] == "promoted" and start <= e["occurred_on"] <= end
            )
            headcount = (len(at_start) + sum(1 for u in users if employed(u, end))) / 2
            promotions[key] = [promoted, headcount]
        self.promotions = promotions
        return out

    def time_to_match(self):
        """{(level, id): (median days or None, reached, n)}: one per mentee enrolled by the
        day, from enrolment to the first accepted pairing; Kaplan-Meier, written out."""
        first_match = {}
        for p in Pairing.objects.for_org(self.org).values("mentee_id", "accepted_at"):
            if p["accepted_at"] is not None:
                seen = first_match.get(p["mentee_id"])
                first_match[p["mentee_id"]] = (
                    min(seen, p["accepted_at"]) if seen else p["accepted_at"]
                )
        pairs = defaultdict(list)
        for row in self.participants():
            start = self.local(row["enrolled_at"])
            if row["role"] != "mentee" or start > self.day:
                continue
            seen = self.day
            if row["status"] == "withdrawn" and row["status_changed_at"]:
                seen = min(seen, self.local(row["status_changed_at"]))
            matched = self.local(first_match.get(row["pk"]))
            if matched is not None and matched <= seen:
                item = (max((matched - start).days, 0), True)
            else:
                item = (max((seen - start).days, 0), False)
            for key in self.group_keys(row):
                pairs[key].append(item)
        return {
            key: (km_median(items), sum(r for _, r in items), len(items))
            for key, items in pairs.items()
        }


def km_median(items):
    """Kaplan-Meier median of (days, reached): the first time the share not yet there falls
    to one half or below (the midpoint to the next event at exactly one half)."""
    times = sorted({t for t, reached in items if reached})
    survival = 1.0
    for i, t in enumerate(times):
        at_risk = sum(1 for s, _ in items if s >= t)
        events = sum(1 for s, reached in items if s == t and reached)
        survival *= 1 - events / at_risk
        if abs(survival - 0.5) < 1e-12:
            return (t + times[i + 1]) / 2 if i + 1 < len(times) else float(t)
        if survival < 0.5:
            return float(t)
    return None


def plain_median(values):
    return float(median(values)) if values else None
