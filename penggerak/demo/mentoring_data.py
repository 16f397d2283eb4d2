"""Demo mentoring: mentors per community (some partner staff), one assignment and one session
for every member whose step 3 (Pendampingan) is done, dated at that completion (the step
row's evidence points at that session), and open next actions for the members still
mentored (step 4 not yet done).

Bulk only: mentors (the demo's coordinator and partner logins) through ``bulk_create``;
assignments, sessions and next actions through ``demo.bulk.insert_rows`` with explicit ids.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import CharField, Max, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from penggerak.demo import bulk
from penggerak.demo.evidence import steps_point_at
from penggerak.mentoring.models import Assignment, Mentor, NextAction, Session
from penggerak.registry.models import Community, MemberStep, Partner

CASELOAD_LIMIT = 120
PARTNER_COMMUNITIES = 5
BATCH = 20_000
EXPERTISE = [
    "Pemasaran digital",
    "Pembukuan sederhana",
    "Perizinan usaha (NIB, P-IRT, halal)",
    "Pengemasan dan merek",
    "Akses permodalan",
    "Produksi pangan higienis",
]
GOALS = [
    "Mengurus NIB lewat OSS",
    "Menyiapkan izin P-IRT",
    "Merapikan pencatatan penjualan",
    "Memperluas pemasaran daring",
]
ACTIONS = [
    "Daftar akun OSS dan ajukan NIB",
    "Catat penjualan harian selama dua minggu",
    "Foto produk untuk katalog daring",
    "Hitung harga pokok produksi",
    "Siapkan dokumen P-IRT",
]
MODES = ["in_person", "in_person", "online", "phone"]


def _start_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def populate(context) -> dict[str, int]:
    rng = random.Random(f"{context.seed}/mentoring")
    as_of = context.spec.as_of
    ops = connection.ops
    mentored = list(
        MemberStep.objects.filter(step=3, status=MemberStep.Status.DONE)
        .order_by("member_id")
        .values_list("member_id", "member__community_id", "completed_at")
    )
    licensed = dict(
        MemberStep.objects.filter(step=4, status=MemberStep.Status.DONE).values_list(
            "member_id", "completed_at"
        )
    )
    by_community: dict[int, list] = defaultdict(list)
    for member_id, community_id, completed in mentored:
        by_community[community_id].append((member_id, completed))

    # Mentors are the demo's existing logins, so the demo adds no accounts: each community's
    # coordinator mentors there as a movement volunteer, and every partner login mentors a
    # few communities as partner staff.
    communities = list(Community.objects.order_by("id").values_list("id", flat=True))
    coordinators = dict(
        Community.coordinators.through.objects.filter(community_id__in=communities)
        .order_by("community_id", "user_id")
        .values_list("community_id", "user_id")
    )
    staff = list(
        Partner.staff.through.objects.order_by("partner_id", "user_id").values_list(
            "partner_id", "user_id"
        )
    )
    mentors = [
        Mentor(user_id=user_id, expertise=rng.choice(EXPERTISE), caseload_limit=CASELOAD_LIMIT)
        for user_id in dict.fromkeys(coordinators.values())
    ]
    serves: dict[int, list[int]] = {m.user_id: [] for m in mentors}
    for community_id, user_id in coordinators.items():
        serves[user_id].append(community_id)
    for partner_id, user_id in staff:
        if user_id in serves:
            continue
        mentors.append(
            Mentor(
                user_id=user_id,
                partner_id=partner_id,
                expertise=rng.choice(EXPERTISE),
                caseload_limit=CASELOAD_LIMIT,
            )
        )
        serves[user_id] = rng.sample(communities, min(PARTNER_COMMUNITIES, len(communities)))
    Mentor.objects.bulk_create(mentors, batch_size=1000)
    mentor_ids = dict(Mentor.objects.filter(user_id__in=list(serves)).values_list("user_id", "id"))
    mentors_of: dict[int, list[int]] = defaultdict(list)
    for user_id, community_ids in serves.items():
        for community_id in community_ids:
            mentors_of[community_id].append(mentor_ids[user_id])
    Mentor.communities.through.objects.bulk_create(
        [
            Mentor.communities.through(mentor_id=mentor_id, community_id=community_id)
            for community_id, ids in mentors_of.items()
            for mentor_id in ids
        ],
        batch_size=2000,
    )
    room = dict.fromkeys(mentor_ids.values(), CASELOAD_LIMIT)

    assignment_id = _start_id(Assignment)
    session_id = _start_id(Session)
    action_id = _start_id(NextAction)
    created = ops.adapt_datetimefield_value(
        datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    )
    assignments: list[tuple] = []
    sessions: list[tuple] = []
    actions: list[tuple] = []
    totals = {"assignments": 0, "sessions": 0, "actions": 0}

    def flush() -> None:
        bulk.insert_rows(
            Assignment,
            [
                "id",
                "mentor",
                "member",
                "goal",
                "started_on",
                "ended_on",
                "created_by",
                "created_at",
            ],
            assignments,
        )
        bulk.insert_rows(
            Session,
            ["id", "assignment", "member", "held_on", "duration_minutes", "mode", "goals",
             "notes", "recorded_by", "created_at"],
            sessions,
        )  # fmt: skip
        bulk.insert_rows(
            NextAction,
            ["id", "session", "mentor", "member", "text", "due_on", "done_at"],
            actions,
        )
        totals["assignments"] += len(assignments)
        totals["sessions"] += len(sessions)
        totals["actions"] += len(actions)
        assignments.clear()
        sessions.clear()
        actions.clear()

    for community_id, rows in by_community.items():
        turn = 0
        for member_id, completed in rows:
            day = timezone.localdate(completed)
            ended = licensed.get(member_id)
            ended_day = max(timezone.localdate(ended), day) if ended else None
            pool = mentors_of.get(community_id, [])
            if not pool:
                continue
            if ended_day is None:
                # Open assignments go round the mentors with room left; when every mentor of
                # the community is full, this mentoring closed after three months instead.
                free = [m for m in pool if room[m] > 0]
                if free:
                    mentor_id = free[turn % len(free)]
                    room[mentor_id] -= 1
                    turn += 1
                else:
                    mentor_id = rng.choice(pool)
                    ended_day = min(as_of, day + timedelta(days=90))
            else:
                mentor_id = rng.choice(pool)
            goal = rng.choice(GOALS)
            assignments.append(
                (assignment_id, mentor_id, member_id, goal, ops.adapt_datefield_value(day),
                 ops.adapt_datefield_value(ended_day), None, created)
            )  # fmt: skip
            sessions.append(
                (session_id, assignment_id, member_id, ops.adapt_datefield_value(day),
                 rng.choice((30, 45, 60, 90)), rng.choice(MODES), goal, "", None, created)
            )  # fmt: skip
            if ended_day is None:
                due = day + timedelta(days=rng.randint(14, 60))
                done_at = None
                if due < as_of and rng.random() < 0.5:
                    done_at = ops.adapt_datetimefield_value(
                        datetime(due.year, due.month, due.day, 3, tzinfo=UTC)
                    )
                actions.append(
                    (action_id, session_id, mentor_id, member_id, rng.choice(ACTIONS),
                     ops.adapt_datefield_value(due), done_at)
                )  # fmt: skip
                action_id += 1
            assignment_id += 1
            session_id += 1
            if len(sessions) >= BATCH:
                flush()
    flush()
    bulk.reset_sequences(Assignment, Session, NextAction, Mentor)
    # The label session_record gives: "Sesi pendampingan <held_on ISO date>".
    steps_point_at(
        step=3,
        kind="session",
        candidates=Session.objects.filter(member_id=OuterRef("member_id")).order_by(
            "held_on", "id"
        ),
        label=Concat(
            Value("Sesi pendampingan "),
            Cast("held_on", output_field=CharField()),
            output_field=CharField(),
        ),
    )
    return {
        "mentors": len(mentors),
        "mentoring assignments": totals["assignments"],
        "mentoring sessions": totals["sessions"],
        "next actions": totals["actions"],
    }
