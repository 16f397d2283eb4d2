"""Demo trainings: courses, past events whose attendance matches the members' step-2 rows,
and an upcoming event with free places in every community.

Every member whose ``training`` step is done gets one attendance at its completion time, at
a weekly session of their community (a training week: from the first to the last check-in
of that week), and the step row's evidence points at it, so the journey and the attendance
lists tell the same story. Written with
``bulk.insert_rows`` (COPY on PostgreSQL); at 378,212 members this is ~177k attendance rows.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict

from django.db import connection
from django.db.models import CharField, OuterRef, Value
from django.utils import timezone

from penggerak.demo import bulk
from penggerak.demo.evidence import steps_point_at
from penggerak.registry.models import Community, MemberStep, Partner
from penggerak.training.models import Attendance, Certificate, Course, Event, Module, Registration

COURSES = (
    ("Dasar Kewirausahaan OK OCE", ["Mindset wirausaha", "Model bisnis sederhana", "Rencana aksi"]),
    ("Protokol Kesehatan Produksi dan Distribusi", ["Produksi higienis", "Distribusi aman"]),
    ("Pemasaran Digital dan Belanja dari Tetangga", ["Foto produk", "WhatsApp Business"]),
    ("Pembukuan Sederhana UMKM", ["Kas masuk dan keluar", "Laporan bulanan"]),
    ("Menuju Sertifikasi SNI", ["Mengenal SNI", "Persiapan audit"]),
)
PLACES = ("Balai Warga", "Aula Kelurahan", "Gedung Serbaguna", "Sekretariat Komunitas")
TRAINERS = ("Bu Rina", "Pak Budi", "Bu Sari", "Pak Anton", "Bu Dewi", "Pak Hendra")
CERTIFICATE_DAYS = 60
PARTNER_SHARE = 0.25  # of the older held trainings, run as a partner's programme


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _adapt():
    return connection.ops.adapt_datetimefield_value


def populate(context) -> dict[str, int]:
    """Write the training demo data; returns counts for the demo summary."""
    spec, rng = context.spec, random.Random(f"{context.seed}/training")
    adapt = _adapt()
    all_partners = list(Partner.objects.order_by("id").values_list("id", flat=True))
    partners = all_partners[:2]
    # About a quarter of the held trainings are a partner's programme (the partner impact
    # pages count them). Its own generator, so the other demo choices stay as they were.
    partner_rng = random.Random(f"{context.seed}/training/partners")
    recent_count = 0

    def partner_of_event(recent: bool) -> int | None:
        # Partner programmes grew lately: every other training of the certificate window is
        # one (so their trainees' certificates show too), a quarter of the older ones.
        nonlocal recent_count
        if not all_partners:
            return None
        if recent:
            recent_count += 1
            chosen = recent_count % 2 == 1
        else:
            chosen = partner_rng.random() < PARTNER_SHARE
        return partner_rng.choice(all_partners) if chosen else None

    courses = []
    for index, (title, modules) in enumerate(COURSES):
        partner_id = partners[index - 3] if index >= 3 and len(partners) > index - 3 else None
        course = Course.objects.create(
            title=title, description=f"Kursus demo: {title}.", partner_id=partner_id
        )
        Module.objects.bulk_create(
            Module(course=course, position=i, title=m) for i, m in enumerate(modules, 1)
        )
        courses.append(course)
    main_course = courses[0]

    # Step-2 completions grouped by community and ISO week: one training week each.
    weeks: dict[tuple[int, int, int], list[tuple[int, dt.datetime]]] = defaultdict(list)
    done = MemberStep.objects.filter(step=2, status=MemberStep.Status.DONE).values_list(
        "member_id", "member__community_id", "completed_at", "member__full_name"
    )
    certify_after = dt.datetime.combine(
        spec.as_of - dt.timedelta(days=CERTIFICATE_DAYS), dt.time.min, tzinfo=dt.UTC
    )
    # Names of recent attendees only (their certificates print them); no IN (...) query later.
    names: dict[int, str] = {}
    for member_id, community_id, completed_at, name in done.iterator(chunk_size=20_000):
        year, week, _day = completed_at.isocalendar()
        weeks[community_id, year, week].append((member_id, completed_at))
        if completed_at >= certify_after:
            names[member_id] = name

    event_fields = (
        "id",
        "course",
        "community",
        "starts_at",
        "ends_at",
        "place",
        "online_link",
        "capacity",
        "trainer_name",
        "is_open",
        "status",
        "seats_taken",
        "attendee_count",
        "created_at",
        "partner",
    )
    attendance_fields = ("event", "member", "checked_in_at", "method", "walk_in")
    event_rows, attendance_rows, certificate_rows = [], [], []
    next_event = _next_id(Event)
    methods = (Attendance.Method.CARD, Attendance.Method.NUMBER, Attendance.Method.MANUAL)
    for (community_id, _year, _week), rows in sorted(weeks.items()):
        rows.sort(key=lambda r: (r[1], r[0]))
        first, last = rows[0][1], rows[-1][1]
        starts = first.replace(minute=0, second=0, microsecond=0)
        ends = max(last, starts) + dt.timedelta(hours=2)
        event_id = next_event
        next_event += 1
        count = len(rows)
        event_rows.append(
            (
                event_id,
                main_course.pk,
                community_id,
                adapt(starts),
                adapt(ends),
                rng.choice(PLACES),
                "",
                count,
                rng.choice(TRAINERS),
                False,
                Event.Status.DONE,
                count,
                count,
                adapt(starts - dt.timedelta(days=7)),
                partner_of_event(first >= certify_after),
            )
        )
        for member_id, at in rows:
            # No registration rows for the past: every demo attendance is recorded as walk-in.
            attendance_rows.append((event_id, member_id, adapt(at), rng.choice(methods), True))
            if at >= certify_after:
                certificate_rows.append((event_id, member_id, at))
    bulk.insert_rows(Event, event_fields, event_rows)
    defaults = bulk.missing_field_defaults(Attendance, attendance_fields)
    fields = list(attendance_fields) + list(defaults)
    extra = tuple(defaults.values())
    for start in range(0, len(attendance_rows), 20_000):
        bulk.insert_rows(
            Attendance, fields, [row + extra for row in attendance_rows[start : start + 20_000]]
        )

    bulk.insert_rows(
        Certificate,
        ("event", "member", "code", "holder_name", "course_title", "issued_at"),
        [
            (
                e,
                m,
                secrets.token_urlsafe(16),
                names.get(m, ""),
                main_course.title,
                adapt(at + dt.timedelta(days=1)),
            )
            for e, m, at in certificate_rows
        ],
    )

    # One upcoming, open-to-register session per community, relative to the real today too.
    base = max(spec.as_of, timezone.localdate())
    attendees_by_community: dict[int, list[int]] = defaultdict(list)
    for (community_id, _y, _w), rows in weeks.items():
        if len(attendees_by_community[community_id]) < 5:
            attendees_by_community[community_id].extend(m for m, _at in rows[:5])
    upcoming_rows, registration_rows = [], []
    now = timezone.now()
    for community_id in Community.objects.order_by("id").values_list("id", flat=True):
        day = base + dt.timedelta(days=rng.randint(1, 30))
        starts = dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)  # 09:00 WIB
        capacity = rng.choice((30, 40, 50))
        registered = attendees_by_community.get(community_id, [])[:5]
        event_id = next_event
        next_event += 1
        course = courses[1 + community_id % (len(courses) - 1)]
        upcoming_rows.append(
            (
                event_id,
                course.pk,
                community_id,
                adapt(starts),
                adapt(starts + dt.timedelta(hours=3)),
                rng.choice(PLACES),
                "",
                capacity,
                rng.choice(TRAINERS),
                community_id % 4 == 0,
                Event.Status.SCHEDULED,
                len(registered),
                0,
                adapt(now),
                course.partner_id,
            )
        )
        registration_rows.extend(
            (event_id, member_id, Registration.Status.REGISTERED, adapt(now))
            for member_id in registered
        )
    bulk.insert_rows(Event, event_fields, upcoming_rows)
    bulk.insert_rows(Registration, ("event", "member", "status", "created"), registration_rows)
    bulk.reset_sequences(Event, Attendance, Certificate, Registration)
    # Every demo attendance is at the main course, which counts for the training step.
    steps_point_at(
        step=2,
        kind="attendance",
        candidates=Attendance.objects.filter(member_id=OuterRef("member_id")).order_by(
            "checked_in_at", "id"
        ),
        label=Value(main_course.title, output_field=CharField()),
    )
    return {
        "kursus/courses": len(courses),
        "pelatihan/events": len(event_rows) + len(upcoming_rows),
        "kehadiran/attendance": len(attendance_rows),
        "sertifikat/certificates": len(certificate_rows),
    }
