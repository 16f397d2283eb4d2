"""The member export job: scope, masking, full NIKs for the secretariat only, progress,
XLSX sheets, formula neutralising, re-run after a crash, downloads and expiry."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from penggerak.accounts.models import Role
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_decrypt, nik_encrypt
from penggerak.imports import exports, xlsx
from penggerak.imports.models import ExportRun
from penggerak.imports.storage import private_path
from penggerak.imports.tasks import expire_imports
from penggerak.registry.models import Member
from penggerak.registry.tests.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

EXPORT = AuditEvent.Action.EXPORT


def _url(fmt="csv"):
    return reverse("imports:export_members", kwargs={"fmt": fmt})


def _post(client, fmt="csv", **data):
    """Submit the export page; the task runs when the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(_url(fmt), data)


def _export(client, fmt="csv", **data) -> ExportRun:
    response = _post(client, fmt, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ExportRun.objects.latest("id")
    assert response.url == reverse("imports:export_detail", kwargs={"pk": run.pk})
    return run


def _download(client, run):
    response = client.get(reverse("imports:export_download", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _nothing_exported():
    assert not ExportRun.objects.exists()
    assert not AuditEvent.objects.filter(action=EXPORT).exists()


# --- scope and masking ---------------------------------------------------------------------


def test_coordinator_exports_own_members_masked_through_the_job(
    client, coordinator, community, other_community
):
    mine = MemberFactory.create_batch(3, community=community)
    MemberFactory(community=other_community, full_name="Orang Lain")
    client.force_login(coordinator)
    page = client.get(_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 anggota akan diekspor." in text
    assert 'name="unmasked"' not in text  # no full-NIK option for a coordinator

    run = _export(client)
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_total, run.unmasked) == ("done", 3, 3, False)
    assert run.actor == coordinator and run.fmt == "csv" and run.filters == {}
    assert run.file == f"exports/{run.created_at:%Y/%m}/{run.pk}/anggota.csv"
    detail = client.get(reverse("imports:export_detail", kwargs={"pk": run.pk})).content.decode()
    assert reverse("imports:export_download", kwargs={"pk": run.pk}) in detail

    rows = _csv(_download(client, run))
    assert rows[0] == list(exports.HEADER)
    assert rows[0][6] == "Tahun Lahir"
    assert [int(r[0]) for r in rows[1:]] == sorted((m.pk for m in mine), reverse=True)
    assert [r[2] for r in rows[1:]] == [m.nik_masked for m in reversed(mine)]
    assert all(r[2][:12] == "*" * 12 for r in rows[1:])
    # Beside a masked NIK the birth date is a year: the day and month would help rebuild it.
    assert [r[6] for r in rows[1:]] == [str(m.birth_date.year) for m in reversed(mine)]
    assert "Orang Lain" not in str(rows)

    created, downloaded = AuditEvent.objects.filter(action=EXPORT).order_by("id")
    assert (created.actor, created.object_type, created.object_id) == (
        coordinator,
        "imports.exportrun",
        str(run.pk),
    )
    assert created.reason == "Ekspor daftar anggota"
    assert created.changes == {
        "what": "members",
        "format": "csv",
        "filters": {},
        "rows": 3,
        "unmasked": False,
    }
    assert downloaded.actor == coordinator and downloaded.reason == "Unduh berkas ekspor"
    assert downloaded.changes == {"download": True, "rows": 3, "unmasked": False}


def test_filters_travel_from_the_member_page_and_keyset_pages(
    client, secretariat, community, other_community, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK", 2)
    MemberFactory.create_batch(5, community=community)
    MemberFactory.create_batch(2, community=other_community)
    client.force_login(secretariat)
    page = client.get(_url(), {"community": community.slug, "after": "1"}).content.decode()
    assert "5 anggota akan diekspor." in page
    assert f'<input type="hidden" name="community" value="{community.slug}">' in page
    assert 'name="after"' not in page

    run = _export(client, community=community.slug, after="1")
    assert run.filters == {"community": community.slug}
    rows = _csv(_download(client, run))
    assert len(rows) == 6 and {r[7] for r in rows[1:]} == {community.slug}
    ids = [int(r[0]) for r in rows[1:]]
    assert ids == sorted(ids, reverse=True)
    event = AuditEvent.objects.filter(action=EXPORT).earliest("id")
    assert event.changes["filters"] == {"community": community.slug}
    assert event.changes["rows"] == 5


def test_other_coordinator_exports_nothing_of_ours(client, other_coordinator, member):
    client.force_login(other_coordinator)
    assert _csv(_download(client, _export(client)))[1:] == []
    run = _export(client, community=member.community.slug)
    assert run.rows_total == 0
    assert _csv(_download(client, run))[1:] == []


def test_a_nik_is_never_an_export_filter(client, coordinator, community):
    """The export page puts its filters into links and hidden fields: a NIK there would travel
    in URLs again. It is masked at once and the page says to search for it on the list."""
    wanted = MemberFactory(community=community)
    MemberFactory(community=community)
    nik = nik_decrypt(wanted.nik_ciphertext)
    client.force_login(coordinator)
    for spaced in (nik, f"{nik[:6]} {nik[6:12]} {nik[12:]}"):
        response = client.get(_url(), {"q": spaced, "status": "active"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "ketik NIK di kotak pencarian" in page
        assert nik not in page and spaced not in page
        assert f"q={wanted.nik_masked.replace('*', '%2A')}" in page  # the back link, masked
    response = _post(client, q=nik, status="active")
    assert response.status_code == 400
    assert nik not in response.content.decode()
    _nothing_exported()
    with pytest.raises(DomainError) as refused:
        exports.member_export_create(actor=coordinator, filters={"q": nik}, fmt="csv")
    assert refused.value.code == "nik_in_query"
    _nothing_exported()


def test_a_run_stored_with_an_encrypted_nik_shows_it_masked(coordinator, member):
    """Runs made while a NIK could still be an export filter kept it encrypted."""
    nik = nik_decrypt(member.nik_ciphertext)
    run = ExportRun.objects.create(
        actor=coordinator,
        fmt="csv",
        filters={"q_nik": nik_encrypt(nik), "status": "active"},
        created_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    assert exports.shown_filters(run) == {"status": "active", "q": member.nik_masked}


def test_bad_filter_shows_the_message_and_exports_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(), {"step": "tujuh"})
    assert response.status_code == 400
    assert "Filter tidak valid." in response.content.decode()
    assert _post(client, step="tujuh").status_code == 400
    _nothing_exported()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_only_coordinators_and_the_secretariat_export(
    client, partner_user, member_user, member, fmt
):
    response = client.get(_url(fmt))
    assert response.status_code == 302 and "/akun/masuk/" in response.url
    for user in (partner_user, member_user):
        client.force_login(user)
        assert client.get(_url(fmt)).status_code == 404
        assert _post(client, fmt).status_code == 404
        assert _post(client, fmt, unmasked="on", reason="audit").status_code == 404
        with pytest.raises(PermissionDenied):
            exports.member_export_create(actor=user, filters={}, fmt=fmt)
    _nothing_exported()


# --- full NIKs -------------------------------------------------------------------------------


def test_secretariat_exports_full_niks_with_a_reason_audited(client, secretariat, community):
    members = MemberFactory.create_batch(3, community=community)
    MemberFactory(community=community, status=Member.Status.INACTIVE)
    client.force_login(secretariat)
    assert 'name="unmasked"' in client.get(_url("xlsx")).content.decode()
    run = _export(
        client, "xlsx", status="active", unmasked="on", reason="  Verifikasi   data KUR  "
    )
    run.refresh_from_db()
    assert (run.status, run.unmasked, run.reason, run.rows_done) == (
        "done",
        True,
        "Verifikasi data KUR",
        3,
    )
    event = AuditEvent.objects.get(action=EXPORT)
    assert event.actor == secretariat and event.reason == "Verifikasi data KUR"
    assert event.changes == {
        "what": "members",
        "format": "xlsx",
        "filters": {"status": "active"},
        "rows": 3,
        "unmasked": True,
    }
    response = client.get(reverse("imports:export_download", kwargs={"pk": run.pk}))
    assert "nik-lengkap" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Anggota"].iter_rows(values_only=True))
    expected = {m.pk: nik_decrypt(m.nik_ciphertext) for m in members}
    assert {row[0]: row[2] for row in rows[1:]} == expected
    # Beside the full NIK (secretariat, with a reason) the full birth date.
    assert rows[0][6] == "Tanggal Lahir"
    assert {row[0]: row[6].date() for row in rows[1:]} == {m.pk: m.birth_date for m in members}
    assert all(len(nik) == 16 and nik.isdigit() for nik in expected.values())
    assert book["Anggota"]["C2"].data_type == "s"  # text: Excel keeps all 16 digits


@pytest.mark.parametrize("reason", ["", "   "])
def test_full_niks_without_a_reason_are_refused(client, secretariat, member, reason):
    client.force_login(secretariat)
    response = _post(client, unmasked="on", reason=reason)
    assert response.status_code == 200
    assert "Alasan wajib diisi untuk ekspor NIK lengkap." in response.content.decode()
    _nothing_exported()
    with pytest.raises(DomainError) as error:
        exports.member_export_create(
            actor=secretariat, filters={}, fmt="csv", unmasked=True, reason=reason
        )
    assert error.value.code == "reason_required"
    _nothing_exported()


def test_a_coordinator_never_gets_full_niks_even_by_crafting_the_post(client, coordinator, member):
    client.force_login(coordinator)
    response = _post(client, unmasked="on", reason="saya ingin melihat")
    assert response.status_code == 403
    _nothing_exported()
    with pytest.raises(PermissionDenied):
        exports.member_export_create(
            actor=coordinator, filters={}, fmt="xlsx", unmasked=True, reason="x"
        )
    _nothing_exported()


def test_full_niks_are_refused_at_run_time_if_the_right_was_lost(secretariat, member):
    run = exports.member_export_create(
        actor=secretariat, filters={}, fmt="csv", unmasked=True, reason="audit"
    )
    secretariat.role = Role.COORDINATOR
    secretariat.save(update_fields=["role"])
    exports.export_run_execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.file) == ("failed", "")
    assert run.error == "Peminta ekspor ini tidak lagi berwenang."
    assert not private_path(f"exports/{run.created_at:%Y/%m}/{run.pk}/anggota.csv").exists()


def test_unmasked_rows_decrypt_page_by_page(secretariat, community, monkeypatch):
    MemberFactory.create_batch(5, community=community)
    monkeypatch.setattr(exports, "CHUNK", 2)
    pages = []
    real = exports.nik_decrypt_many
    monkeypatch.setattr(exports, "nik_decrypt_many", lambda t: pages.append(len(t)) or real(t))
    rows = list(exports.member_rows(actor=secretariat, filters={}, unmasked=True))
    assert pages == [2, 2, 1]
    assert [len(r[2]) for r in rows] == [16] * 5 and all(r[2].isdigit() for r in rows)


# --- who sees a run --------------------------------------------------------------------------


def test_only_the_requester_and_the_national_secretariat_see_a_run(
    client, coordinator, other_coordinator, secretariat, member
):
    client.force_login(coordinator)
    run = _export(client)
    detail = reverse("imports:export_detail", kwargs={"pk": run.pk})
    download = reverse("imports:export_download", kwargs={"pk": run.pk})
    rerun = reverse("imports:export_rerun", kwargs={"pk": run.pk})
    provincial = UserFactory(username="sekretariat-jabar", role=Role.SECRETARIAT, province_id="32")
    before = AuditEvent.objects.count()
    for user in (other_coordinator, provincial):
        client.force_login(user)
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404
        assert client.post(rerun).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302
    assert AuditEvent.objects.count() == before  # no download was recorded
    client.force_login(secretariat)
    assert client.get(detail).status_code == 200
    _download(client, run)
    assert AuditEvent.objects.filter(action=EXPORT, actor=secretariat).count() == 1


# --- progress, XLSX, formulas ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_progress_is_recorded_every_chunk(secretariat, community, monkeypatch, fmt):
    MemberFactory.create_batch(5, community=community)
    monkeypatch.setattr(exports, "CHUNK", 2)
    run = exports.member_export_create(actor=secretariat, filters={}, fmt=fmt)
    seen = []
    real = exports.member_rows

    def watched(**kwargs):
        for row in real(**kwargs):
            seen.append(ExportRun.objects.get(pk=run.pk).rows_done)
            yield row

    monkeypatch.setattr(exports, "member_rows", watched)
    exports.export_run_execute(run.pk)
    assert seen == [0, 0, 2, 2, 4]
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_total, run.percent) == ("done", 5, 5, 100)


def test_progress_bar_while_running(client, coordinator, member):
    client.force_login(coordinator)
    run = exports.member_export_create(actor=coordinator, filters={}, fmt="csv")
    ExportRun.objects.filter(pk=run.pk).update(status="running", rows_done=1, rows_total=4)
    url = reverse("imports:export_detail", kwargs={"pk": run.pk})
    page = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert page.startswith('<div id="export-status"')
    assert 'hx-trigger="every 2s"' in page and '<progress max="100" value="25">' in page
    assert "1 dari sekitar 4 baris ditulis." in page
    assert reverse("imports:export_download", kwargs={"pk": run.pk}) not in page
    assert client.get(reverse("imports:export_download", kwargs={"pk": run.pk})).status_code == 404


def test_xlsx_export_continues_on_new_sheets(client, secretariat, community, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    MemberFactory.create_batch(4, community=community)
    MemberFactory(community=community, full_name="=HYPERLINK(1)")
    client.force_login(secretariat)
    run = _export(client, "xlsx")
    book = load_workbook(io.BytesIO(_download(client, run)))
    assert book.sheetnames == ["Anggota", "Anggota 2", "Anggota 3"]
    sheets = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames]
    assert [len(rows) for rows in sheets] == [3, 3, 2]  # header + at most 2 rows each
    assert all(rows[0] == exports.HEADER for rows in sheets)
    assert sheets[0][1][1] == "=HYPERLINK(1)"  # the newest member: text, not a formula
    assert book["Anggota"]["B2"].data_type == "s"
    ids = [row[0] for rows in sheets for row in rows[1:]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5


def test_sheet_limit_is_excels():
    assert xlsx.SHEET_ROWS + 1 == 1_048_576  # data rows + the header row


def test_csv_export_neutralises_formulas_and_keeps_phones(client, coordinator, community):
    MemberFactory(
        community=community,
        full_name='=HYPERLINK("http://jahat","klik")',
        address="@SUM(1+1)*cmd|' /C calc'!A0",
        phone="+6281234567890",
    )
    client.force_login(coordinator)
    rows = _csv(_download(client, _export(client)))
    assert rows[1][1] == '\'=HYPERLINK("http://jahat","klik")'
    assert rows[1][9] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows[1][3] == "+6281234567890"


# --- re-run and expiry -----------------------------------------------------------------------


def test_rerun_after_a_crash_writes_the_whole_file(client, coordinator, community, monkeypatch):
    MemberFactory.create_batch(5, community=community)
    monkeypatch.setattr(exports, "CHUNK", 2)
    real = exports.member_rows

    def crashing(**kwargs):
        for number, row in enumerate(real(**kwargs), start=1):
            if number == 4:
                raise OSError("disk full")
            yield row

    monkeypatch.setattr(exports, "member_rows", crashing)
    client.force_login(coordinator)
    assert _post(client).status_code == 302  # the worker records the crash
    run = ExportRun.objects.get()
    assert (run.status, run.file, run.attempts) == ("failed", "", 1)
    assert "disk full" in run.error
    folder = private_path(f"exports/{run.created_at:%Y/%m}/{run.pk}")
    assert list(folder.iterdir()) == []  # no half file left behind
    detail = reverse("imports:export_detail", kwargs={"pk": run.pk})
    assert "Jalankan ulang" in client.get(detail).content.decode()

    monkeypatch.setattr(exports, "member_rows", real)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("imports:export_rerun", kwargs={"pk": run.pk}))
    assert response.status_code == 302 and response.url == detail
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.attempts, run.error) == ("done", 5, 2, "")
    assert len(_csv(_download(client, run))) == 6


def test_rerun_after_the_worker_was_killed(client, coordinator, member):
    client.force_login(coordinator)
    run = exports.member_export_create(actor=coordinator, filters={}, fmt="xlsx")
    killed_at = timezone.now() - exports.STALE_AFTER - dt.timedelta(seconds=1)
    ExportRun.objects.filter(pk=run.pk).update(
        status="running", rows_done=0, attempts=1, heartbeat_at=killed_at
    )
    partial = private_path(f"exports/{run.created_at:%Y/%m}/{run.pk}/anggota.1.part.xlsx")
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"PK half a zip")
    # A duplicate delivery of the task while it still looks running does nothing.
    exports.export_run_execute(run.pk)
    assert ExportRun.objects.get(pk=run.pk).status == "running"
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("imports:export_rerun", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.attempts) == ("done", 1, 2)
    assert not partial.exists()
    book = load_workbook(io.BytesIO(_download(client, run)))
    assert [row[0] for row in book["Anggota"].iter_rows(values_only=True)] == ["ID", member.pk]
    rerun = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(run.pk))
    assert rerun.reason == "Ekspor diulang"


def test_a_worker_presumed_dead_cannot_overwrite_the_rerun(coordinator, member, monkeypatch):
    run = exports.member_export_create(actor=coordinator, filters={}, fmt="csv")
    real = exports.member_rows

    def slow_then_rerun(**kwargs):
        # While this (first) worker is still reading, the run is declared dead and re-run.
        ExportRun.objects.filter(pk=run.pk).update(status="queued")
        monkeypatch.setattr(exports, "member_rows", real)
        exports.export_run_execute(run.pk)
        yield from real(**kwargs)

    monkeypatch.setattr(exports, "member_rows", slow_then_rerun)
    exports.export_run_execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.rows_done) == ("done", 2, 1)
    folder = private_path(f"exports/{run.created_at:%Y/%m}/{run.pk}")
    assert sorted(p.name for p in folder.iterdir()) == ["anggota.csv"]


def test_a_running_or_finished_export_is_not_rerun(client, coordinator, member):
    client.force_login(coordinator)
    run = _export(client)
    before = AuditEvent.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("imports:export_rerun", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    assert ExportRun.objects.get(pk=run.pk).attempts == 1
    assert AuditEvent.objects.count() == before
    with pytest.raises(DomainError) as error:
        exports.export_run_rerun(actor=coordinator, run=run)
    assert error.value.code == "export_not_stalled"


def test_exports_expire_after_30_days_with_the_import_files(client, coordinator, member):
    client.force_login(coordinator)
    run = _export(client)
    path = private_path(run.file)
    assert path.exists()
    assert run.expires_at - run.created_at == dt.timedelta(days=30)
    assert exports.export_runs_expire(now=run.expires_at - dt.timedelta(seconds=1)) == 0
    ExportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now())
    assert expire_imports.call() == 1  # the daily job of the imports app
    run.refresh_from_db()
    assert (run.status, run.file) == ("expired", "")
    assert not path.exists() and not path.parent.exists()
    assert client.get(reverse("imports:export_download", kwargs={"pk": run.pk})).status_code == 404
    page = client.get(reverse("imports:export_detail", kwargs={"pk": run.pk})).content.decode()
    assert "Berkas ekspor ini sudah dihapus (disimpan 30 hari)." in page
    with pytest.raises(DomainError) as error:
        exports.export_run_rerun(actor=coordinator, run=run)
    assert error.value.code == "export_expired"


def test_export_page_and_refusal_in_english(client, secretariat, member):
    from django.conf import settings
    from django.core.management import call_command

    call_command("compile_translations")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretariat)
    page = client.get(_url()).content.decode()
    assert "1 member will be exported." in page and "Include full NIKs (not masked)" in page
    page = client.get(_url(), {"step": "2", "status": "active"}).content.decode()
    assert "Has completed step = 2; Status = active" in page
    assert 'href="/anggota/?step=2&amp;status=active"' in page
    refused = _post(client, unmasked="on", reason="").content.decode()
    assert "A reason is required to export full NIKs." in refused
    _nothing_exported()


def test_polled_progress_costs_few_queries(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    run = exports.member_export_create(actor=coordinator, filters={}, fmt="csv")
    url = reverse("imports:export_detail", kwargs={"pk": run.pk})
    client.get(url, headers={"HX-Request": "true"})  # warm the session
    with django_assert_num_queries(3):  # session, user, the run with its requester
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
