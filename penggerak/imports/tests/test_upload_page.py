"""The upload page: the same pipeline as the CLI run as a task, progress, result, reports,
re-run, visibility and expiry."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from penggerak.core.models import AuditEvent
from penggerak.imports import services
from penggerak.imports.models import ImportRun
from penggerak.imports.storage import private_path
from penggerak.imports.tests.helpers import nik, write_csv, write_xlsx
from penggerak.registry.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]
HEADER = ["No", "Nama Lengkap", "NIK (16 digit)", "No. HP/WA", "Tgl Lahir", "L/P"]


def _xlsx(tmp_path, rows=None):
    rows = rows or [
        ["DAFTAR ANGGOTA"],
        HEADER,
        [1, "Siti Aminah", nik(1), "0812-3456-7890", "14/03/1985", "P"],
        [2, "Dewi Lestari", nik(2), "0812-3456-7891", "14/03/1985", "P"],
        [3, "Tanpa NIK", "", "0812-3456-7892", "", "P"],
    ]
    path = write_xlsx(tmp_path / "anggota.xlsx", rows)
    return SimpleUploadedFile("anggota.xlsx", path.read_bytes())


def _post(client, user, community, upload, **extra):
    client.force_login(user)
    data = {"kind": "members", "community": community.pk if community else "", "file": upload}
    data.update({"consent": "on"} | extra)
    return client.post(reverse("imports:upload"), data)


def test_coordinator_uploads_xlsx_and_sees_result(client, coordinator, community, tmp_path):
    response = _post(client, coordinator, community, _xlsx(tmp_path))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response.url == reverse("imports:detail", kwargs={"pk": run.pk})
    assert run.status == ImportRun.Status.DONE
    kinds = run.summary.pop("kinds")
    assert run.summary == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "refused": 1,
        "warnings": 0,
    }
    assert [(k["code"], k["count"], k["rows"]) for k in kinds] == [("nik_missing", 1, [5])]
    assert run.consent and run.actor == coordinator and run.community == community
    assert run.expires_at - run.created_at == dt.timedelta(days=30)
    assert Member.objects.filter(community=community).count() == 2
    assert all(m.consent_given_at for m in Member.objects.all())
    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Selesai" in text and "laporan.xlsx" in text and "every 2s" not in text
    # What to fix, at a glance: the kind of problem, its column, how often and where.
    assert "Masalah yang ditemukan" in text
    assert "NIK wajib diisi; baris ditolak." in text and "Baris 5" in text
    # The reports: CSV as the CLI writes it, XLSX with the same columns.
    report = client.get(reverse("imports:download", kwargs={"pk": run.pk, "name": "laporan.csv"}))
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[0] == ["row", "column", "value", "severity", "code", "message"]
    assert rows[1][:5] == ["5", "NIK", "", "error", "nik_missing"]
    report = client.get(reverse("imports:download", kwargs={"pk": run.pk, "name": "laporan.xlsx"}))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("row", "column", "value", "severity", "code", "message")
    assert values[1][:5] == (5, "NIK", None, "error", "nik_missing")
    assert report["Cache-Control"] == "private, no-store"


def test_same_file_twice_changes_nothing(client, coordinator, community, tmp_path):
    _post(client, coordinator, community, _xlsx(tmp_path))
    _post(client, coordinator, community, _xlsx(tmp_path))
    second = ImportRun.objects.order_by("-id").first()
    assert second.summary["created"] == 0 and second.summary["unchanged"] == 2
    assert Member.objects.count() == 2


def test_progress_is_polled_while_running(client, coordinator, community, tmp_path):
    run = services.import_run_create(
        actor=coordinator, kind="members", upload=_xlsx(tmp_path), community=community, consent=True
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, rows_done=40, rows_total=100, heartbeat_at=timezone.now()
    )
    client.force_login(coordinator)
    url = reverse("imports:detail", kwargs={"pk": run.pk})
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="run-status"') and "<html" not in partial


def test_consent_tick_is_required_for_members(client, coordinator, community, tmp_path):
    client.force_login(coordinator)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "community": community.pk, "file": _xlsx(tmp_path)},
    )
    assert response.status_code == 200
    assert "persetujuan anggota" in response.content.decode()
    assert not ImportRun.objects.exists() and not Member.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anggota.pdf", b"%PDF-1.4", "Unggah berkas CSV, XLSX atau ODS."),
        ("anggota.csv", b"", "kosong"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    client, coordinator, community, name, content, message
):
    response = _post(client, coordinator, community, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_too_big_file_is_refused(client, coordinator, community, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 10)
    response = _post(client, coordinator, community, SimpleUploadedFile("a.csv", b"x" * 11))
    assert "paling besar 50 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_unreadable_file_fails_with_its_message(client, coordinator, community):
    upload = SimpleUploadedFile("anggota.xlsx", b"not a zip at all")
    _post(client, coordinator, community, upload)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.error
    page = client.get(reverse("imports:detail", kwargs={"pk": run.pk})).content.decode()
    assert "Impor gagal." in page and "Jalankan ulang" in page


def test_coordinator_cannot_import_into_another_community(
    client, coordinator, other_community, tmp_path
):
    response = _post(client, coordinator, other_community, _xlsx(tmp_path))
    assert response.status_code == 200
    assert not ImportRun.objects.exists() and not Member.objects.exists()


def test_coordinator_must_choose_a_community(client, coordinator, tmp_path):
    response = _post(client, coordinator, None, _xlsx(tmp_path))
    assert "Pilih komunitas tujuan." in response.content.decode()


def test_communities_kind_is_for_the_secretariat_only(client, coordinator, tmp_path):
    path = write_csv(tmp_path / "k.csv", [["Nama Komunitas", "Kabupaten/Kota"], ["A", "32.73"]])
    client.force_login(coordinator)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "communities", "file": SimpleUploadedFile("k.csv", path.read_bytes())},
    )
    assert response.status_code == 200 and not ImportRun.objects.exists()


def test_secretariat_imports_communities_and_sees_invitations(client, secretariat, tmp_path):
    path = write_csv(
        tmp_path / "komunitas.csv",
        [
            ["Nama Komunitas", "Kode", "Kabupaten/Kota", "Koordinator", "Email Koordinator"],
            ["OK OCE Cimahi", "okoce-cimahi", "Kota Cimahi", "Asep Sunandar", "asep@contoh.id"],
        ],
    )
    client.force_login(secretariat)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "communities", "file": SimpleUploadedFile("komunitas.csv", path.read_bytes())},
    )
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE and run.summary["created"] == 1
    assert run.invitations[0]["username"] == "koord-okoce-cimahi"
    # Kept sealed until shown: the clear link is nowhere in the row.
    assert "/akun/undangan/" not in json.dumps(run.invitations)
    page = client.get(response.url).content.decode()
    link = re.search(r'value="(http://testserver/akun/undangan/[^"]+)"', page).group(1)
    # Shown once: the next visit names the invited login without the link, and the row
    # keeps no link at all.
    again = client.get(response.url).content.decode()
    assert "koord-okoce-cimahi" in again and "/akun/undangan/" not in again
    run.refresh_from_db()
    assert run.invitations == [
        {"community": "okoce-cimahi", "username": "koord-okoce-cimahi", "link": ""}
    ]
    # The link works: the invited coordinator sets a password with it.
    activated = client.get(link.removeprefix("http://testserver"))
    assert activated.status_code == 200


def test_invitation_links_are_shown_only_to_who_ran_the_import(client, secretariat, tmp_path):
    from penggerak.registry.tests.factories import UserFactory

    path = write_csv(
        tmp_path / "komunitas.csv",
        [
            ["Nama Komunitas", "Kode", "Kabupaten/Kota", "Koordinator"],
            ["OK OCE Cimahi", "okoce-cimahi", "Kota Cimahi", "Asep Sunandar"],
        ],
    )
    client.force_login(secretariat)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "communities", "file": SimpleUploadedFile("komunitas.csv", path.read_bytes())},
    )
    other = UserFactory(username="sekretariat-lain", role="secretariat", is_staff=True)
    client.force_login(other)
    page = client.get(response.url).content.decode()
    assert "koord-okoce-cimahi" in page and "/akun/undangan/" not in page
    # Still there for the one who ran it.
    client.force_login(secretariat)
    assert "/akun/undangan/" in client.get(response.url).content.decode()


def test_secretariat_without_province_may_use_a_community_column(
    client, secretariat, community, tmp_path
):
    rows = [
        ["Nama", "NIK", "Komunitas"],
        ["Siti Aminah", nik(1), community.slug],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    response = _post(client, secretariat, None, SimpleUploadedFile("a.csv", path.read_bytes()))
    assert response.status_code == 302
    assert Member.objects.get().community == community


def test_dry_run_saves_nothing(client, coordinator, community, tmp_path):
    _post(client, coordinator, community, _xlsx(tmp_path), dry_run="on")
    run = ImportRun.objects.get()
    assert run.summary["created"] == 2 and run.options["dry_run"] is True
    assert not Member.objects.exists()


def test_crashed_run_can_be_rerun_and_completes_once(client, coordinator, community, tmp_path):
    run = services.import_run_create(
        actor=coordinator, kind="members", upload=_xlsx(tmp_path), community=community, consent=True
    )
    # The worker died mid-way: one member was committed, the run never finished.
    services.import_run_execute(run.pk)
    Member.objects.filter(full_name="Dewi Lestari").delete()
    stale = timezone.now() - dt.timedelta(hours=1)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, heartbeat_at=stale)
    client.force_login(coordinator)
    page = client.get(reverse("imports:detail", kwargs={"pk": run.pk})).content.decode()
    assert "Jalankan ulang" in page
    response = client.post(reverse("imports:rerun", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.attempts == 2
    assert run.summary["created"] == 1 and run.summary["unchanged"] == 1
    assert Member.objects.count() == 2


def test_running_run_cannot_be_rerun(client, coordinator, community, tmp_path):
    run = services.import_run_create(
        actor=coordinator, kind="members", upload=_xlsx(tmp_path), community=community, consent=True
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, heartbeat_at=timezone.now()
    )
    client.force_login(coordinator)
    client.post(reverse("imports:rerun", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING and run.attempts == 0


# --- visibility -----------------------------------------------------------------------------


def _done_run(client, coordinator, community, tmp_path):
    _post(client, coordinator, community, _xlsx(tmp_path))
    client.logout()
    return ImportRun.objects.get()


URL_CASES = [
    ("detail", "get", "imports:detail", {}),
    ("csv", "get", "imports:download", {"name": "laporan.csv"}),
    ("xlsx", "get", "imports:download", {"name": "laporan.xlsx"}),
    ("file", "get", "imports:download", {"name": "berkas"}),
    ("rerun", "post", "imports:rerun", {}),
]


@pytest.mark.parametrize(("label", "method", "name", "kwargs"), URL_CASES)
def test_other_coordinator_partner_and_member_get_404(
    client,
    coordinator,
    other_coordinator,
    partner_user,
    member_user,
    community,
    tmp_path,
    label,
    method,
    name,
    kwargs,
):
    run = _done_run(client, coordinator, community, tmp_path)
    url = reverse(name, kwargs={"pk": run.pk, **kwargs})
    for user in (other_coordinator, partner_user, member_user):
        client.force_login(user)
        assert getattr(client, method)(url).status_code == 404, user
    client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/akun/masuk/" in response.url
    run.refresh_from_db()
    assert run.attempts == 1


@pytest.mark.parametrize(("label", "method", "name", "kwargs"), URL_CASES[:4])
def test_uploader_and_secretariat_may_download(
    client, coordinator, secretariat, community, tmp_path, label, method, name, kwargs
):
    run = _done_run(client, coordinator, community, tmp_path)
    url = reverse(name, kwargs={"pk": run.pk, **kwargs})
    for user in (coordinator, secretariat):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["laporan.csv", "laporan.xlsx", "berkas"])
def test_every_download_is_audited(client, coordinator, community, tmp_path, name):
    run = _done_run(client, coordinator, community, tmp_path)
    client.force_login(coordinator)
    response = client.get(reverse("imports:download", kwargs={"pk": run.pk, "name": name}))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.object_type, event.object_id) == (
        coordinator,
        "imports.importrun",
        str(run.pk),
    )
    assert event.changes == {"file": name}


@pytest.mark.parametrize(("label", "method", "name", "kwargs"), URL_CASES)
def test_another_provinces_secretariat_gets_404_and_its_own_passes(
    client, coordinator, community, tmp_path, label, method, name, kwargs
):
    """Before: any secretariat user opened every run and its clear-NIK upload."""
    from penggerak.registry.tests.factories import UserFactory

    run = _done_run(client, coordinator, community, tmp_path)  # Kota Bandung, Jawa Barat
    url = reverse(name, kwargs={"pk": run.pk, **kwargs})
    jatim = UserFactory(username="sek-jatim", role="secretariat", is_staff=True, province_id="35")
    client.force_login(jatim)
    audit_before = AuditEvent.objects.count()
    assert getattr(client, method)(url).status_code == 404
    assert AuditEvent.objects.count() == audit_before
    jabar = UserFactory(username="sek-jabar", role="secretariat", is_staff=True, province_id="32")
    client.force_login(jabar)
    if method == "get":
        assert client.get(url).status_code == 200


def test_upload_page_permissions(client, coordinator, secretariat, partner_user, member_user):
    url = reverse("imports:upload")
    response = client.get(url)
    assert response.status_code == 302 and "/akun/masuk/" in response.url
    for user in (partner_user, member_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "Templat anggota" in page and "Templat komunitas" not in page
    assert 'value="communities"' not in page
    client.force_login(secretariat)
    page = client.get(url).content.decode()
    assert "Templat komunitas" in page and 'value="communities"' in page


def test_upload_list_shows_only_own_runs(client, coordinator, secretariat, community, tmp_path):
    run = _done_run(client, coordinator, community, tmp_path)
    link = reverse("imports:detail", kwargs={"pk": run.pk})
    client.force_login(secretariat)
    assert link not in client.get(reverse("imports:upload")).content.decode()
    client.force_login(coordinator)
    assert link in client.get(reverse("imports:upload")).content.decode()


# --- expiry -----------------------------------------------------------------------------------


def test_expiry_deletes_files_and_marks_runs(client, coordinator, community, tmp_path):
    run = _done_run(client, coordinator, community, tmp_path)
    files = [private_path(p) for p in (run.stored_file, run.report_csv, run.report_xlsx)]
    assert all(f.exists() for f in files)
    assert run.summary["kinds"]  # the refused row without a NIK
    assert services.import_runs_expire() == 0
    later = run.expires_at + dt.timedelta(seconds=1)
    assert services.import_runs_expire(now=later) == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.EXPIRED and not run.stored_file and not run.report_csv
    assert not any(f.exists() for f in files)
    # What quoted the report goes with it; the counts stay.
    assert "kinds" not in run.summary and run.summary["refused"] == 1
    client.force_login(coordinator)
    url = reverse("imports:download", kwargs={"pk": run.pk, "name": "laporan.csv"})
    assert client.get(url).status_code == 404
    page = client.get(reverse("imports:detail", kwargs={"pk": run.pk})).content.decode()
    assert "sudah dihapus" in page
    assert services.import_runs_expire(now=later) == 0


def test_expiry_is_a_registered_periodic_task(coordinator, community, tmp_path):
    from penggerak.core.periodic import periodic_jobs
    from penggerak.imports.tasks import expire_imports

    job = next(j for j in periodic_jobs() if j.task is expire_imports)
    assert job.every == dt.timedelta(hours=24)
    run = services.import_run_create(
        actor=coordinator, kind="members", upload=_xlsx(tmp_path), community=community, consent=True
    )
    ImportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    expire_imports.enqueue()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.EXPIRED


def test_upload_is_audited(client, coordinator, community, tmp_path):
    _post(client, coordinator, community, _xlsx(tmp_path))
    run = ImportRun.objects.get()
    event = AuditEvent.objects.get(object_type="imports.importrun", object_id=str(run.pk))
    assert event.actor == coordinator and "anggota.xlsx" in event.reason


def test_declared_rows_read_without_parsing_the_sheet(tmp_path):
    from penggerak.imports.readers import declared_rows
    from penggerak.imports.services import _count_rows

    rows = [["Nama", "NIK"], *[[f"Anggota {i}", nik(i)] for i in range(1, 101)]]
    assert declared_rows(write_xlsx(tmp_path / "a.xlsx", rows)) == 101
    assert _count_rows(tmp_path / "a.xlsx") == 100  # the progress bar's end, header left out
    assert declared_rows(write_csv(tmp_path / "a.csv", rows)) is None
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan zip")
    assert declared_rows(broken) is None
    assert declared_rows(tmp_path / "tidak-ada.xlsx") is None


def test_result_page_lists_problems_by_kind_refusals_first(
    client, coordinator, community, tmp_path
):
    rows = [HEADER]
    rows += [[i, f"Anggota {i}", nik(i), "12", "", "P"] for i in range(1, 9)]  # bad phones
    rows += [[9, "Ulang", nik(1), "", "", "P"], [10, "Ulang lagi", nik(2), "", "", "P"]]
    path = write_xlsx(
        tmp_path / "anggota.xlsx", rows, more_sheets={"Desa Lain": [HEADER[1:3], ["Ani", nik(20)]]}
    )
    upload = SimpleUploadedFile("anggota.xlsx", path.read_bytes())
    run_url = _post(client, coordinator, community, upload).url
    kinds = ImportRun.objects.get().summary["kinds"]
    assert [(k["severity"], k["code"], k["count"]) for k in kinds] == [
        ("error", "nik_duplicate_in_file", 2),
        ("warning", "phone_invalid", 8),
        ("warning", "sheet_not_imported", 1),
    ]
    assert kinds[1]["rows"] == [2, 3, 4, 5, 6]  # the first five; the report has them all
    text = client.get(run_url).content.decode()
    assert text.index("sudah muncul di baris sebelumnya") < text.index("Kolom dikosongkan")
    assert "Baris 2, 3, 4, 5, 6 dan lainnya (lihat laporan)" in text
    assert "Lembar &quot;Desa Lain&quot; juga berisi daftar" in text


def test_a_coordinator_with_one_community_finds_it_chosen(client, coordinator, community):
    client.force_login(coordinator)
    page = client.get(reverse("imports:upload")).content.decode()
    assert re.search(rf'<option value="{community.pk}" selected>', page)
