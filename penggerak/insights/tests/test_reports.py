"""Monthly reports: the PDF and XLSX figures, the request and schedule services with their bad
input, the audited downloads and the scope rules of the report page."""

import base64
import contextlib
import datetime as dt
import io
import re
import zlib

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from penggerak.accounts.models import Role
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent, Notification
from penggerak.core.periodic import periodic_jobs
from penggerak.core.storage import private_path
from penggerak.insights import rollups, services
from penggerak.insights.models import (
    InsightSettings,
    ReportRun,
    ReportSchedule,
    Target,
    UmkmPopulation,
)
from penggerak.registry.tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2020, 8, 31)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_root(tmp_path, settings):
    settings.PENGGERAK_PRIVATE_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _immediate_tasks():
    with override_settings(TASKS=IMMEDIATE):
        yield


@pytest.fixture
def seeded(db, secretariat, community, other_community):
    """West Java: 3 members joined May 2020, 2 in July 2020, 1 after the report month; East
    Java: 4 members. A members target for West Java."""
    InsightSettings.objects.update_or_create(pk=1, defaults={"as_of": AS_OF})
    MemberFactory.create_batch(3, community=community, joined_on=dt.date(2020, 5, 10))
    MemberFactory.create_batch(2, community=community, joined_on=dt.date(2020, 7, 3))
    MemberFactory(community=community, joined_on=dt.date(2020, 8, 20))
    MemberFactory.create_batch(4, community=other_community, joined_on=dt.date(2020, 6, 1))
    rollups.rebuild()
    services.target_set(
        actor=secretariat,
        metric="members",
        scope="province:32",
        value=1_000,
        deadline=dt.date(2024, 12, 31),
    )
    return community


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Request a report and run its after-commit enqueue (so the immediate task) at once."""

    def request(actor, scope, month):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.report_request(actor=actor, scope=scope, month=month)
        run.refresh_from_db()
        return run

    return request


@pytest.fixture
def provincial(db):
    return UserFactory(username="sekretariat-jatim", role=Role.SECRETARIAT, province_id="35")


def pdf_text(data: bytes) -> str:
    """The text of every content stream (reportlab writes ASCII85 + Flate by default)."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        chunks.append(raw.decode("latin-1"))
    return "\n".join(chunks)


def test_report_pdf_and_xlsx_hold_the_figures(ask, secretariat, seeded):
    run = ask(secretariat, "province:32", "2020-07")
    run.refresh_from_db()
    assert (run.status, run.progress, run.scope, run.scope_name) == (
        "done",
        100,
        "province:32",
        "Jawa Barat",
    )
    pdf = private_path(run.pdf_file).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf)
    assert "Jawa Barat" in text
    assert "2020-07-31" in text  # read at the end of the month reported
    assert "5 / 1.000" in text  # 5 members of the 1,000 target in July (the 6th joined in August)
    assert "Target 1.000" in text  # the label of the chart's target line
    assert r"Biru: anggota \(maks. 5\)" in text  # the history chart (PDF escapes parentheses)

    workbook = load_workbook(io.BytesIO(private_path(run.xlsx_file).read_bytes()))
    assert workbook.sheetnames == ["Target", "Anggota dan komunitas", "Corong tujuh tahap"]
    targets = list(workbook["Target"].iter_rows(values_only=True))
    assert targets[0][:2] == ("Cakupan", "Jawa Barat")
    assert targets[2][:4] == ("Anggota", 1000, dt.datetime(2024, 12, 31), 5)
    assert targets[2][4] == 0.5
    history = {
        row[0].date(): row[1:]
        for row in list(workbook["Anggota dan komunitas"].iter_rows(values_only=True))[1:]
    }
    assert history[dt.date(2020, 4, 30)] == (0, 1)
    assert history[dt.date(2020, 5, 31)] == (3, 1)
    assert history[dt.date(2020, 7, 31)] == (5, 1)
    assert len(history) == 24
    funnel = list(workbook["Corong tujuh tahap"].iter_rows(values_only=True))
    assert funnel[0] == ("Tahap", "Nama", "Anggota", "% dari tahap 1")
    assert [row[0] for row in funnel[1:8]] == [1, 2, 3, 4, 5, 6, 7]
    assert AuditEvent.objects.filter(object_type="insights.reportrun", action="create").count() == 1


def test_nation_report_counts_both_provinces(ask, secretariat, seeded):
    run = ask(secretariat, "nation", "2020-08")
    run.refresh_from_db()
    workbook = load_workbook(io.BytesIO(private_path(run.xlsx_file).read_bytes()))
    rows = list(workbook["Anggota dan komunitas"].iter_rows(values_only=True))
    assert rows[-1][0].date() == AS_OF and rows[-1][1:] == (10, 2)
    assert "Nasional" in pdf_text(private_path(run.pdf_file).read_bytes())


@pytest.mark.parametrize(
    ("scope", "month", "field", "message"),
    [
        ("province:32", "2020-13", "month", "Bulan tidak valid"),
        ("province:32", "juli", "month", "Bulan tidak valid"),
        ("province:32", "", "month", "Bulan tidak valid"),
        ("province:32", "2020-09", "month", "belum tiba"),
        ("province:32", "1999-12", "month", "terlalu lama"),
        ("province:99", "2020-07", "scope", "Cakupan tidak ditemukan"),
        ("planet:mars", "2020-07", "scope", "Cakupan tidak dikenal"),
        ("community:tidak-ada", "2020-07", "scope", "Cakupan tidak ditemukan"),
    ],
)
def test_bad_requests_save_nothing(secretariat, seeded, scope, month, field, message):
    with pytest.raises(DomainError) as error:
        services.report_request(actor=secretariat, scope=scope, month=month)
    assert message in str(error.value.fields[field][0])
    assert not ReportRun.objects.exists()


def test_provincial_secretariat_only_its_province(ask, provincial, seeded):
    with pytest.raises(DomainError) as error:
        ask(provincial, "province:32", "2020-07")
    assert "di luar wilayah Anda" in str(error.value.fields["scope"][0])
    with pytest.raises(DomainError):
        ask(provincial, "nation", "2020-07")
    run = ask(provincial, "province:35", "2020-07")
    assert run.province_code == "35"
    assert ReportRun.objects.count() == 1


def test_coordinator_cannot_request(ask, coordinator, seeded):
    with pytest.raises(PermissionDenied):
        ask(coordinator, "community:bandung-juara", "2020-07")
    assert not ReportRun.objects.exists()


def test_download_is_audited_and_scoped(ask, client, secretariat, provincial, coordinator, seeded):
    run = ask(secretariat, "province:32", "2020-07")
    client.force_login(secretariat)
    response = client.get(f"/dasbor/laporan/{run.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client.get(f"/dasbor/laporan/{run.pk}/xlsx/")
    assert response.status_code == 200
    exports = AuditEvent.objects.filter(object_type="insights.reportrun", action="export")
    assert sorted(e.changes["file"] for e in exports) == ["pdf", "xlsx"]
    assert client.get(f"/dasbor/laporan/{run.pk}/csv/").status_code == 404
    assert client.get(f"/dasbor/laporan/{run.pk + 99}/pdf/").status_code == 404
    for outsider in (provincial, coordinator):
        client.force_login(outsider)
        assert client.get(f"/dasbor/laporan/{run.pk}/pdf/").status_code == 404
    assert exports.count() == 2


def test_page_request_and_messages(
    django_capture_on_commit_callbacks, client, secretariat, provincial, seeded
):
    client.force_login(secretariat)
    page = client.get("/dasbor/laporan/")
    assert page.status_code == 200
    assert page.context["form"].initial["month"] == "2020-07"
    bad = client.post("/dasbor/laporan/", {"scope": "province:32", "month": "2020-13"})
    assert bad.status_code == 422
    assert "Bulan tidak valid" in bad.content.decode()
    assert not ReportRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post("/dasbor/laporan/", {"scope": "province:32", "month": "2020-07"})
    assert good.status_code == 302
    (run,) = ReportRun.objects.all()
    listed = client.get("/dasbor/laporan/").content.decode()
    assert f"/dasbor/laporan/{run.pk}/pdf/" in listed
    # The provincial secretariat of East Java does not see West Java's report.
    client.force_login(provincial)
    assert f"/dasbor/laporan/{run.pk}/pdf/" not in client.get("/dasbor/laporan/").content.decode()


def test_page_is_for_the_secretariat_only(client, coordinator, partner_user, seeded):
    assert client.get("/dasbor/laporan/").status_code == 302  # to the login page
    for user in (coordinator, partner_user):
        client.force_login(user)
        assert client.get("/dasbor/laporan/").status_code == 404
        assert (
            client.post("/dasbor/laporan/jadwal/", {"scope": "nation", "active": "on"}).status_code
            == 404
        )
    assert not ReportSchedule.objects.exists()


def test_schedule_runs_once_per_month_and_notifies(client, secretariat, provincial, seeded):
    other_province = UserFactory(
        username="sekretariat-jabar", role=Role.SECRETARIAT, province_id="32"
    )
    client.force_login(secretariat)
    response = client.post("/dasbor/laporan/jadwal/", {"scope": "province:35", "active": "on"})
    assert response.status_code == 302
    services.report_schedule_set(actor=secretariat, scope="province:32", active=False)
    assert job_names() >= {"penggerak.insights.tasks.monthly_reports"}

    made = services.reports_generate_monthly()
    assert [(r.scope, r.month, r.status) for r in made] == [
        ("province:35", dt.date(2020, 7, 1), "done")
    ]
    assert services.reports_generate_monthly() == []  # the second run changes nothing
    assert ReportRun.objects.count() == 1
    notified = Notification.objects.filter(kind="report")
    assert sorted(n.user.username for n in notified) == ["sekretariat-jatim", "sekretariat-uji"]
    assert all(n.url.endswith(f"#laporan-{made[0].pk}") for n in notified)
    assert not Notification.objects.filter(user=other_province).exists()
    # Next month: one more report.
    services.reports_generate_monthly(today=dt.date(2020, 9, 30))
    assert ReportRun.objects.filter(month=dt.date(2020, 8, 1)).count() == 1


def test_bad_schedule_scope(client, provincial, seeded):
    client.force_login(provincial)
    response = client.post("/dasbor/laporan/jadwal/", {"scope": "province:32", "active": "on"})
    assert response.status_code == 422
    assert "di luar wilayah Anda" in response.content.decode()
    assert not ReportSchedule.objects.exists()


def job_names() -> set[str]:
    return {job.name for job in periodic_jobs()}


# --- UMKM population cascade (figures set here, never invented) -------------------------------


def _nation_target(secretariat, value=1000):
    return services.target_set(
        actor=secretariat,
        metric="members",
        scope="nation",
        value=value,
        deadline=dt.date(2024, 12, 31),
    )


def test_umkm_cascade_refuses_naming_the_provinces_without_a_figure(secretariat, seeded):
    services.umkm_population_set(actor=secretariat, region_code="32", value=300, source="Uji 2020")
    parent = _nation_target(secretariat)
    with pytest.raises(DomainError) as error:
        services.target_cascade(actor=secretariat, target=parent, key="umkm")
    assert error.value.code == "missing_population"
    message = str(error.value.message)
    assert "JAWA TIMUR (35)" in message.upper() and "(32)" not in message
    assert Target.objects.filter(parent=parent).count() == 0


def test_umkm_cascade_to_provinces_and_communities(secretariat, seeded):
    from penggerak.core.models import Region, RegionLevel
    from penggerak.registry.tests.factories import CommunityFactory

    codes = list(
        Region.objects.filter(level=RegionLevel.PROVINCE, is_current=True).values_list(
            "code", flat=True
        )
    )
    weights = {"32": 300, "35": 100}  # every other province: 1
    for code in codes:
        services.umkm_population_set(
            actor=secretariat, region_code=code, value=weights.get(code, 1), source="Uji"
        )
    parent = _nation_target(secretariat)
    children = {
        t.scope: t.value
        for t in services.target_cascade(actor=secretariat, target=parent, key="umkm")
    }
    assert sum(children.values()) == 1000
    # 38 provinces: 300 + 100 + 36 x 1 = 436 shares; largest remainders give the rest.
    assert len(codes) == 38
    assert (children["province:32"], children["province:35"]) == (688, 230)
    # A province to its communities: the regency figure shared by its communities.
    CommunityFactory(slug="bandung-dua", regency_id="32.73")
    CommunityFactory(slug="cimahi", regency_id="32.77")
    west = services.target_set(
        actor=secretariat,
        metric="members",
        scope="province:32",
        value=90,
        deadline=dt.date(2024, 12, 31),
    )
    with pytest.raises(DomainError) as error:
        services.target_cascade(actor=secretariat, target=west, key="umkm")
    assert "(32.73)" in str(error.value.message) and "(32.77)" in str(error.value.message)
    services.umkm_population_set(actor=secretariat, region_code="32.73", value=200, source="Uji")
    services.umkm_population_set(actor=secretariat, region_code="32.77", value=100, source="Uji")
    split = {
        t.scope: t.value
        for t in services.target_cascade(actor=secretariat, target=west, key="umkm")
    }
    assert split == {
        "community:bandung-juara": 30,
        "community:bandung-dua": 30,
        "community:cimahi": 30,
    }


@pytest.mark.parametrize(
    ("region_code", "value", "source", "field"),
    [
        ("99", 10, "Uji", "region_code"),
        ("32.73.01", 10, "Uji", "region_code"),
        ("32", 0, "Uji", "value"),
        ("32", -5, "Uji", "value"),
        ("32", "10", "Uji", "value"),
        ("32", 10, "   ", "source"),
    ],
)
def test_bad_population_figures_save_nothing(secretariat, region_code, value, source, field):
    with pytest.raises(DomainError) as error:
        services.umkm_population_set(
            actor=secretariat, region_code=region_code, value=value, source=source
        )
    assert field in error.value.fields
    assert not UmkmPopulation.objects.exists()


def test_population_page(client, secretariat, provincial):
    client.force_login(provincial)
    response = client.post(
        "/dasbor/populasi-umkm/", {"region_code": "32", "value": 5, "source": "Uji"}
    )
    assert response.status_code == 422
    assert "di luar provinsi Anda" in response.content.decode()
    client.force_login(secretariat)
    response = client.post(
        "/dasbor/populasi-umkm/", {"region_code": "32.73", "value": 1200, "source": "Pendataan uji"}
    )
    assert response.status_code == 302
    row = UmkmPopulation.objects.get()
    assert (row.region_id, row.value, row.source) == ("32.73", 1200, "Pendataan uji")
    assert "1.200" in client.get("/dasbor/populasi-umkm/").content.decode()
    assert AuditEvent.objects.filter(object_type="insights.umkmpopulation").count() == 1


def test_htmx_refresh_returns_the_runs_only(client, secretariat, seeded):
    queued = ReportRun.objects.create(
        scope="nation", scope_name="Nasional", month=dt.date(2020, 7, 1), requested_by=secretariat
    )
    client.force_login(secretariat)
    response = client.get("/dasbor/laporan/?part=runs", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="report-runs"')
    assert 'hx-trigger="every 3s"' in body  # still queued: the list keeps polling
    assert f'id="laporan-{queued.pk}"' in body and "<form" not in body
    ReportRun.objects.filter(pk=queued.pk).update(status="done")
    assert (
        'hx-trigger="every 3s"'
        not in client.get("/dasbor/laporan/?part=runs", HTTP_HX_REQUEST="true").content.decode()
    )


def test_names_are_printed_as_typed_and_never_run_as_formulas(seeded):
    """reportlab reads a Paragraph as mini-HTML and openpyxl stores "=..." as a formula: a
    community's name is neither markup in the PDF nor a formula in the XLSX."""
    from penggerak.insights import reports
    from penggerak.insights.scopes import parse_scope

    name = "=SUM(1) Siti & <b>Juara</b> <font size=80>x</font>"
    seeded.name = name
    seeded.save(update_fields=["name"])
    data = reports.report_data(parse_scope(f"community:{seeded.slug}"), dt.date(2020, 7, 1))
    assert data.scope.name == name

    # The text each BT...ET block draws: its strings in order, a line break as a space.
    shown = []
    for block in re.findall(r"BT (.*?) ET", pdf_text(reports.report_pdf(data)), re.S):
        parts = re.findall(r"\(((?:\\.|[^\\)])*)\) Tj|(T\*)", block)
        line = "".join(text if not wrap else " " for text, wrap in parts)
        shown.append(re.sub(r"\\(.)", r"\1", line))
    title, scope_line = (line for line in shown if name in line)  # printed as typed, twice
    assert title.startswith(f"Laporan bulanan {name}")
    assert scope_line.startswith(f"Cakupan: {name}")

    workbook = load_workbook(io.BytesIO(reports.report_xlsx(data)))
    cell = workbook["Target"]["B1"]
    assert (cell.value, cell.data_type) == (name, "s")  # text, not a formula
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
