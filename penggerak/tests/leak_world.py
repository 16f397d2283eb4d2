"""The small world the leak suite tries every route in.

Two provinces: community A in Kota Bandung (Jawa Barat, 32) holds the victim and everything
hanging off her (business, permit with a document, checklist, training event, registration,
attendance, certificate, mentor, assignment, session, next action, import, export and report
runs with their files); community B in Kota Surabaya (Jawa Timur, 35) belongs to the
intruders. The actors are every kind of user the access module knows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from penggerak.accounts.models import ApiToken, Role, User
from penggerak.accounts.services import api_token_issue
from penggerak.core.audit import audit_record
from penggerak.core.models import Notification
from penggerak.core.storage import private_path
from penggerak.imports.models import ExportRun, ImportRun
from penggerak.insights.models import ReportRun, Target, UmkmPopulation
from penggerak.mentoring import services as mentoring
from penggerak.mentoring.models import NextAction
from penggerak.permits.models import ChecklistResponse, ChecklistTemplate
from penggerak.permits.tests.factories import PermitFactory
from penggerak.registry.tests.factories import (
    BusinessFactory,
    CommunityFactory,
    MemberFactory,
    PartnerFactory,
    UserFactory,
)
from penggerak.training import services as training
from penggerak.training.models import Certificate
from penggerak.training.tests.factories import CourseFactory, EventFactory

# What no refused actor may ever see in a response: the victim's name, phone and NIK digits.
VICTIM_NAME = "Target Rahasia"
VICTIM_PHONE = "+6281298765432"
VICTIM_NIK = "3273015707900001"

PASSWORD = "rahasia-123"  # the factories' password

# A fixed instant: the world is the same on any day the suite runs.
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

ACTORS = [
    "anonymous",
    "national",
    "secretariat_jabar",
    "secretariat_jatim",
    "coordinator_a",
    "coordinator_b",
    "partner",
    "member_victim",
    "member_other",
    "mentor",
]


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _private_file(relative: str, content: bytes) -> str:
    path = private_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(content)
    return relative


def build_world(tmp_path) -> World:
    world = World()
    users = world.users
    users["anonymous"] = None
    users["national"] = UserFactory(username="nasional", role=Role.SECRETARIAT, is_staff=True)
    users["secretariat_jabar"] = UserFactory(
        username="sekretariat-jabar", role=Role.SECRETARIAT, is_staff=True, province_id="32"
    )
    users["secretariat_jatim"] = UserFactory(
        username="sekretariat-jatim", role=Role.SECRETARIAT, is_staff=True, province_id="35"
    )
    users["coordinator_a"] = UserFactory(username="koord-a", role=Role.COORDINATOR)
    users["coordinator_b"] = UserFactory(username="koord-b", role=Role.COORDINATOR)
    users["partner"] = UserFactory(username="staf-mitra", role=Role.PARTNER)
    users["member_victim"] = UserFactory(
        username=VICTIM_PHONE, phone=VICTIM_PHONE, role=Role.MEMBER
    )
    # A mentor's login (partner staff of no partner): sees only its mentees.
    users["mentor"] = UserFactory(username="pak-mentor", role=Role.PARTNER)
    users["member_other"] = UserFactory(
        username="+6281211112222", phone="+6281211112222", role=Role.MEMBER
    )

    o = world.objects
    o["community_a"] = CommunityFactory(name="Komunitas A", slug="komunitas-a", regency_id="32.73")
    o["community_b"] = CommunityFactory(name="Komunitas B", slug="komunitas-b", regency_id="35.78")
    o["community_a"].coordinators.add(users["coordinator_a"])
    o["community_b"].coordinators.add(users["coordinator_b"])
    o["partner"] = PartnerFactory(name="Bank Mitra", slug="bank-mitra")
    o["partner"].staff.add(users["partner"])

    o["victim"] = MemberFactory(
        community=o["community_a"],
        full_name=VICTIM_NAME,
        nik=VICTIM_NIK,
        phone=VICTIM_PHONE,
        user=users["member_victim"],
    )
    o["other_member"] = MemberFactory(community=o["community_a"], user=users["member_other"])
    o["member_b"] = MemberFactory(community=o["community_b"])
    o["business"] = BusinessFactory(owner=o["victim"], name="Warung Rahasia")
    o["permit"] = PermitFactory(business=o["business"], document="")
    o["permit"].document.save("izin.pdf", ContentFile(_pdf_bytes()), save=True)
    template = ChecklistTemplate.objects.get(code="chse-protocol")
    o["checklist"] = template
    o["checklist_response"] = ChecklistResponse.objects.create(
        template=template,
        business=o["business"],
        filled_by=users["coordinator_a"],
        score=50,
        result=ChecklistResponse.Result.NOT_READY,
    )

    coordinator = users["coordinator_a"]
    o["course"] = CourseFactory(title="Kursus Dasar")
    o["event"] = EventFactory(
        course=o["course"],
        community=o["community_a"],
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    training.registration_create(actor=coordinator, event=o["event"], member=o["victim"])
    training.attendance_record(actor=coordinator, event=o["event"], member_id=o["victim"].pk)
    training.certificates_issue(actor=coordinator, event=o["event"])
    o["certificate"] = Certificate.objects.get(event=o["event"], member=o["victim"])

    o["mentor"] = mentoring.mentor_create(
        actor=coordinator,
        user=users["mentor"],
        expertise="Pemasaran",
        caseload_limit=3,
        communities=[o["community_a"]],
    )
    mentoring.assignment_create(actor=coordinator, mentor=o["mentor"], member=o["victim"])
    mentoring.session_record(
        actor=coordinator,
        member=o["victim"],
        held_on=timezone.localdate(),
        duration_minutes=60,
        mode="in_person",
        next_actions=[{"text": "Foto produk", "due_on": timezone.localdate()}],
    )
    o["next_action"] = NextAction.objects.get(session__assignment__member=o["victim"])

    o["import_run"] = ImportRun.objects.create(
        actor=coordinator,
        kind=ImportRun.Kind.MEMBERS,
        community=o["community_a"],
        original_name="anggota.csv",
        stored_file=_private_file("impor/1/anggota.csv", b"nik,nama\n3273015707900001,X\n"),
        report_csv=_private_file("impor/1/laporan-impor.csv", b"baris,masalah\n"),
        report_xlsx=_private_file("impor/1/laporan-impor.xlsx", b"xlsx"),
        status=ImportRun.Status.DONE,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    o["export_run"] = ExportRun.objects.create(
        actor=coordinator,
        fmt="csv",
        filters={"community": "komunitas-a"},
        status=ExportRun.Status.DONE,
        file=_private_file("ekspor/1/anggota.csv", b"nama\nTarget Rahasia\n"),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    o["report_run"] = ReportRun.objects.create(
        scope="province:32",
        scope_name="Jawa Barat",
        province_code="32",
        month=dt.date(2026, 2, 1),
        requested_by=users["secretariat_jabar"],
        status=ReportRun.Status.DONE,
        pdf_file=_private_file("laporan/1/laporan.pdf", _pdf_bytes()),
        xlsx_file=_private_file("laporan/1/laporan.xlsx", b"xlsx"),
    )
    api_token_issue(username="koord-a", password=PASSWORD)
    o["token"] = ApiToken.objects.get(user=users["coordinator_a"])
    # Back-office rows of province 32 (the admin suite opens them as Jawa Timur).
    o["partner_jabar"] = PartnerFactory(
        name="Koperasi Jabar", slug="koperasi-jabar", region_id="32"
    )
    o["audit_event"] = audit_record(
        actor=coordinator, action="update", obj=o["victim"], changes={"phone": ["a", "b"]}
    )
    o["target"] = Target.objects.create(
        metric="members", scope="community:komunitas-a", value=100, deadline=dt.date(2026, 12, 31)
    )
    o["umkm_population"] = UmkmPopulation.objects.create(
        region_id="32.73", value=1000, source="BPS 2025"
    )
    o["notification"] = Notification.objects.create(
        user=users["coordinator_a"], kind="uji", key="uji-1", title="Target Rahasia macet"
    )
    return world


def _pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
