"""Dashboard blocks at every scope (history, funnel, province tiles, top and lagging
communities, women and jobs), the regency and community pages, and the CSV of every table."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from penggerak.accounts.models import Role
from penggerak.core.models import AuditEvent
from penggerak.insights import charts, rollups, selectors
from penggerak.insights.models import InsightSettings, Target
from penggerak.insights.scopes import parse_scope
from penggerak.registry.models import Community, Member, MemberStep, StepCount
from penggerak.registry.tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2020, 8, 31)


@pytest.fixture
def data(community, other_community):
    """Bandung (32.73): 24 members joined Jan-Aug 2020 (January's 3 are men) and a second,
    quiet community with one member from 2019; Surabaya (35.78): 5 members from July."""
    InsightSettings.objects.create(pk=1, as_of=AS_OF)
    quiet = Community.objects.create(
        name="Komunitas Bandung Dua", slug="bandung-dua", regency_id="32.73",
        founded_on=dt.date(2018, 6, 1),
    )  # fmt: skip
    for month in range(1, 9):
        sex = Member.Sex.MALE if month == 1 else Member.Sex.FEMALE
        MemberFactory.create_batch(
            3, community=community, joined_on=dt.date(2020, month, 10), sex=sex
        )
    MemberFactory.create_batch(5, community=other_community, joined_on=dt.date(2020, 7, 15))
    MemberFactory(community=quiet, joined_on=dt.date(2019, 1, 1), full_name="Lama")
    for c, numbers in ((community, (24, 12, 6)), (other_community, (5,))):
        for step, n in enumerate(numbers, start=1):
            StepCount.objects.create(community=c, step=step, members=n)
    rollups.rebuild()
    Target.objects.create(scope="nation", metric="members", value=2_000_000,
                          deadline=dt.date(2024, 12, 31))  # fmt: skip
    Target.objects.create(scope="province:32", metric="members", value=1_500,
                          deadline=dt.date(2024, 12, 31))  # fmt: skip
    Target.objects.create(scope="community:bandung-juara", metric="members", value=100,
                          deadline=dt.date(2024, 12, 31))  # fmt: skip
    return {"quiet": quiet}


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- Selectors --------------------------------------------------------------------------------


def test_series_month_ends_from_rollups(data):
    found = parse_scope("nation")
    result = selectors.series(scope=found, as_of=AS_OF)
    # Months before the first community (Jan 2018) are left out.
    assert result["days"][0] == dt.date(2018, 1, 31)
    assert result["days"][-1] == AS_OF
    by_day = dict(zip(result["days"], result["values"]["members"], strict=True))
    assert by_day[dt.date(2019, 12, 31)] == 1
    assert by_day[dt.date(2020, 6, 30)] == 19
    assert by_day[dt.date(2020, 7, 31)] == 27
    assert result["current"] == {"members": 30, "communities": 3, "women_members": 27, "jobs": 0}
    assert selectors.women_share(30, 27) == 90.0


def test_top_and_lagging_by_growth_over_90_days(data):
    ranking = selectors.top_and_lagging(scope=parse_scope("nation"), as_of=AS_OF, count=1)
    assert [(r["slug"], r["growth"], r["growth_percent"]) for r in ranking["top"]] == [
        ("bandung-juara", 9, 60.0)
    ]
    assert [(r["slug"], r["growth"], r["growth_percent"]) for r in ranking["lagging"]] == [
        ("bandung-dua", 0, 0.0)
    ]
    east = selectors.top_and_lagging(scope=parse_scope("province:35"), as_of=AS_OF)
    # Everything Surabaya has came in the window: no base to grow from, so no percentage.
    assert [(r["slug"], r["growth"], r["growth_percent"]) for r in east["top"]] == [
        ("surabaya-maju", 5, None)
    ]
    assert east["lagging"] == []


def test_tile_bins_and_layout_cover_38_provinces():
    assert charts.tile_bins(0) == []
    assert charts.tile_bins(100_000) == [
        (1, 6250), (6251, 12500), (12501, 25000), (25001, 50000), (50001, 100000)
    ]  # fmt: skip
    assert charts.tile_bins(3) == [(1, 1), (2, 2), (3, 3)]
    assert len(charts.TILE_LAYOUT) == 38
    assert len({(c, r) for c, r, _a in charts.TILE_LAYOUT.values()}) == 38


def test_line_chart_needs_two_points():
    assert charts.line_chart([AS_OF], [5]) is None
    chart = charts.line_chart([dt.date(2020, 7, 31), AS_OF], [0, 10])
    assert chart.line == "6.0,134.0 314.0,6.0" and chart.top == 10


# --- Pages ------------------------------------------------------------------------------------


def test_national_blocks(client, secretariat, data):
    client.force_login(secretariat)
    html = client.get("/dasbor/").content.decode()
    # Figures: members, communities, women share, jobs.
    assert "<strong>30</strong> <span>anggota</span>" in html
    assert "<strong>3</strong> <span>komunitas</span>" in html
    assert "<strong>90.0%</strong>" in html or "<strong>90,0%</strong>" in html
    # History charts carry their numbers for screen readers.
    assert re.search(r'<svg class="line-chart"[^>]+aria-label="Grafik Anggota per akhir bulan, '
                     r'Januari 2018 sampai 31 Agustus 2020: sekarang 30', html)  # fmt: skip
    # Funnel: bars and the table with conversion and median days.
    assert '<svg class="funnel"' in html
    assert "1. Pendaftaran · 29" in html
    assert re.search(r"2\. Pelatihan</th><td[^>]*>12</td><td[^>]*>41[,.]4%</td>", html)
    # Tile grid: Jawa Barat (25 members, the most) in the darkest class, linking down.
    assert re.search(
        r'<a href="/dasbor/provinsi/32/" tabindex="-1" aria-hidden="true"><rect x="198" y="165" '
        r'width="30" height="30" rx="3" fill="#0b4d37"/>', html
    )  # fmt: skip
    assert "<title>Jawa Barat: 25 anggota</title>" in html
    assert "belum ada anggota" in html and "13 \u2013 25" in html
    # Top communities, with the rule said on the page.
    assert "anggota baru dalam 90 hari terakhir" in html
    assert re.search(r'<a href="/dasbor/komunitas/bandung-juara/">Komunitas Bandung Juara</a>: '
                     r"\+9 \(60[,.]0%\)", html)  # fmt: skip
    for table in ("target", "riwayat", "tahap", "provinsi", "pertumbuhan"):
        assert f'href="/dasbor/csv/{table}/"' in html


def test_province_lists_regencies_and_regency_lists_communities(client, secretariat, data):
    client.force_login(secretariat)
    html = client.get("/dasbor/provinsi/32/").content.decode()
    assert '<a href="/dasbor/kabupaten/32.73/">Kota Bandung</a>' in html
    assert "Dasbor: Jawa Barat" in html and 'href="/dasbor/provinsi/32/csv/kabupaten/"' in html
    regency = client.get("/dasbor/kabupaten/32.73/").content.decode()
    assert "Dasbor: Kota Bandung" in regency
    assert '<a href="/dasbor/komunitas/bandung-juara/">Komunitas Bandung Juara</a>' in regency
    assert '<a href="/dasbor/komunitas/bandung-dua/">Komunitas Bandung Dua</a>' in regency
    assert "surabaya-maju" not in regency
    assert client.get("/dasbor/kabupaten/99.99/").status_code == 404
    assert client.get("/dasbor/kabupaten/32/").status_code == 404


def test_regency_and_province_pages_scoped(client, data, coordinator, partner_user, member_user):
    provincial = UserFactory(role=Role.SECRETARIAT, province_id="35")
    client.force_login(provincial)
    assert client.get("/dasbor/kabupaten/35.78/").status_code == 200
    assert client.get("/dasbor/kabupaten/32.73/").status_code == 404
    assert client.get("/dasbor/kabupaten/32.73/csv/komunitas/").status_code == 404
    for user in (coordinator, partner_user, member_user):
        client.force_login(user)
        assert client.get("/dasbor/kabupaten/32.73/").status_code == 404
        assert client.get("/dasbor/csv/provinsi/").status_code == 404
    client.logout()
    assert client.get("/dasbor/kabupaten/32.73/").status_code == 302


def make_stuck(member, step: int, days_ago: int) -> None:
    at = timezone.now() - dt.timedelta(days=days_ago)
    MemberStep.objects.create(
        member=member, step=step, status="done", started_at=at, completed_at=at, source="demo"
    )
    Member.objects.filter(pk=member.pk).update(furthest_step=step)


def test_community_page_for_its_coordinator(client, coordinator, other_coordinator, data):
    community = coordinator.coordinated_communities.get()
    stuck = MemberFactory(community=community, full_name="Siti Macet")
    make_stuck(stuck, 2, 120)
    client.force_login(coordinator)
    html = client.get("/dasbor/komunitas/bandung-juara/").content.decode()
    assert "Dasbor: Komunitas Bandung Juara" in html
    assert "<strong>24</strong> dari <strong>100</strong>" in html  # its target
    assert "1. Pendaftaran · 24" in html  # its funnel
    assert "Siti Macet" in html and "1 anggota belum maju" in html  # its stuck members
    assert "Lama" not in html
    # Not the secretariat's pages, and no other community's.
    assert client.get("/dasbor/").status_code == 404
    assert client.get("/dasbor/komunitas/surabaya-maju/").status_code == 404
    assert client.get("/dasbor/komunitas/tidak-ada/").status_code == 404
    client.force_login(other_coordinator)
    assert client.get("/dasbor/komunitas/bandung-juara/").status_code == 404
    assert client.get("/dasbor/komunitas/bandung-juara/csv/macet/").status_code == 404
    assert client.get("/dasbor/komunitas/surabaya-maju/").status_code == 200


def test_community_page_for_secretariat_and_not_for_others(client, secretariat, data,
                                                           partner_user, member_user):  # fmt: skip
    client.force_login(secretariat)
    assert client.get("/dasbor/komunitas/bandung-juara/").status_code == 200
    provincial = UserFactory(role=Role.SECRETARIAT, province_id="35")
    client.force_login(provincial)
    assert client.get("/dasbor/komunitas/bandung-juara/").status_code == 404
    assert client.get("/dasbor/komunitas/surabaya-maju/").status_code == 200
    for user in (partner_user, member_user):
        client.force_login(user)
        assert client.get("/dasbor/komunitas/bandung-juara/").status_code == 404


def test_coordinator_home_links_to_community_dashboard(client, coordinator, data):
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert 'href="/dasbor/komunitas/bandung-juara/"' in html


# --- CSV --------------------------------------------------------------------------------------


def test_csv_provinces(client, secretariat, data):
    client.force_login(secretariat)
    response = client.get("/dasbor/csv/provinsi/")
    assert response["Content-Disposition"] == 'attachment; filename="dasbor-nation-provinsi.csv"'
    rows = rows_of(response)
    assert rows[0] == ["kode", "nama", "jumlah anggota", "target anggota", "kemajuan %",
                       "komunitas", "porsi perempuan %", "tenaga kerja",
                       "anggota baru 90 hari"]  # fmt: skip
    assert len(rows) == 1 + 38
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["32"] == ["32", "Jawa Barat", "25", "1500", "1.7", "2", "88.0", "0", "9"]
    assert by_code["35"] == ["35", "Jawa Timur", "5", "", "", "1", "100.0", "0", "5"]
    assert by_code["11"] == ["11", "Aceh", "0", "", "", "0", "", "0", "0"]


def test_csv_funnel_history_targets_ranking(client, secretariat, data):
    client.force_login(secretariat)
    funnel = rows_of(client.get("/dasbor/csv/tahap/"))
    assert funnel[1] == ["1", "Pendaftaran", "29", "", ""]
    assert funnel[2] == ["2", "Pelatihan", "12", "41.4", ""]
    assert funnel[3] == ["3", "Pendampingan", "6", "50.0", ""]
    assert len(funnel) == 8
    history = rows_of(client.get("/dasbor/csv/riwayat/"))
    assert history[0] == ["tanggal", "jumlah anggota", "komunitas", "anggota perempuan",
                          "porsi perempuan %", "tenaga kerja"]  # fmt: skip
    assert history[-1] == ["2020-08-31", "30", "3", "27", "90.0", "0"]
    assert history[1] == ["2018-01-31", "0", "2", "0", "", "0"]
    targets = rows_of(client.get("/dasbor/csv/target/"))
    assert targets[1][:6] == ["members", "Anggota", "2000000", "2024-12-31", "30", "0.0"]
    assert targets[1][-1] == "off_track"
    ranking = rows_of(client.get("/dasbor/csv/pertumbuhan/"))
    assert ranking[1:] == [
        ["teratas", "bandung-juara", "Komunitas Bandung Juara", "24", "9", "60.0"],
        ["teratas", "surabaya-maju", "Komunitas Surabaya Maju", "5", "5", ""],
        ["teratas", "bandung-dua", "Komunitas Bandung Dua", "1", "0", "0.0"],
    ]


def test_csv_regencies_and_communities(client, secretariat, data):
    client.force_login(secretariat)
    regencies = rows_of(client.get("/dasbor/provinsi/32/csv/kabupaten/"))
    bandung = [row for row in regencies if row[0] == "32.73"]
    assert bandung == [["32.73", "Kota Bandung", "25", "", "", "2", "88.0", "0", "9"]]
    communities = rows_of(client.get("/dasbor/kabupaten/32.73/csv/komunitas/"))
    assert communities[1:] == [
        ["bandung-dua", "Komunitas Bandung Dua", "1", "", "", "1", "100.0", "0", "0"],
        ["bandung-juara", "Komunitas Bandung Juara", "24", "100", "24.0", "1", "87.5", "0", "9"],
    ]


def test_csv_unknown_or_absent_table_is_404(client, secretariat, data):
    client.force_login(secretariat)
    assert client.get("/dasbor/csv/tidak-ada/").status_code == 404
    assert client.get("/dasbor/csv/macet/").status_code == 404  # only on a community page
    assert client.get("/dasbor/csv/kabupaten/").status_code == 404  # only on a province page
    assert client.get("/dasbor/provinsi/99/csv/tahap/").status_code == 404


def test_csv_stuck_members_is_scoped_and_audited(client, coordinator, data):
    community = coordinator.coordinated_communities.get()
    make_stuck(MemberFactory(community=community, full_name="Siti Macet"), 3, 120)
    client.force_login(coordinator)
    rows = rows_of(client.get("/dasbor/komunitas/bandung-juara/csv/macet/"))
    assert rows == [["nama", "tahap terjauh"], ["Siti Macet", "3"]]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == coordinator and event.object_id == str(community.pk)
    assert event.changes == {"rows": 1}
    assert client.get("/dasbor/komunitas/surabaya-maju/csv/macet/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_english_blocks(client, secretariat, data):
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"
    html = client.get("/dasbor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Seven steps: the member funnel" in html
    assert "Top and lagging communities" in html
    assert "Download the provinces table (CSV)" in html
    rows = rows_of(client.get("/dasbor/csv/tahap/", HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0][:3] == ["step", "name", "number of members"]


def test_queries_do_not_grow_with_data(client, secretariat, data, django_assert_num_queries):
    client.force_login(secretariat)
    counts = {}
    client.get("/dasbor/")  # warm: the session and the language are read once
    for url in ("/dasbor/", "/dasbor/provinsi/32/", "/dasbor/kabupaten/32.73/"):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts[url] = len(captured)
    # Many more members and communities in more places: the same number of reads.
    for regency in ("31.71", "32.73", "35.78", "51.71"):
        slug = "baru-" + regency.replace(".", "-")
        extra = Community.objects.create(name=f"Baru {regency}", slug=slug, regency_id=regency)
        MemberFactory.create_batch(20, community=extra, joined_on=dt.date(2020, 8, 1))
    rollups.rebuild()
    for url, before in counts.items():
        with django_assert_num_queries(before):
            client.get(url)


def test_series_as_of_mid_month_leaves_out_later_days(community):
    """Deltas after the as-of date are not in its value, even inside the same month."""
    MemberFactory.create_batch(2, community=community, joined_on=dt.date(2020, 7, 1))
    MemberFactory.create_batch(3, community=community, joined_on=dt.date(2020, 8, 10))
    MemberFactory.create_batch(4, community=community, joined_on=dt.date(2020, 8, 20))
    rollups.rebuild()
    result = selectors.series(scope=parse_scope("nation"), as_of=dt.date(2020, 8, 15))
    assert result["days"][-2:] == [dt.date(2020, 7, 31), dt.date(2020, 8, 15)]
    assert result["values"]["members"][-2:] == [2, 5]
    assert result["current"]["members"] == 5


# --- Average pace since the first month-end ---------------------------------------------------


def test_pace_since_start_from_the_first_month_end(data):
    # Nation: the quiet member of 2019-01-01 is the first; 30 members on 2020-08-31.
    nation = selectors.target_pace_since_start(
        scope=parse_scope("nation"), metric="members", as_of=AS_OF, current=30
    )
    assert nation["pace_since"] == dt.date(2019, 1, 31)
    # 29 gained over 578 days = 18.99 months (365.25 / 12 days each).
    assert nation["pace_since_start"] == round(29 / (578 / (365.25 / 12)), 1) == 1.5
    # Bandung Juara: 3 members by 2020-01-31, 24 on 2020-08-31: 21 over 213 days.
    juara = selectors.target_pace_since_start(
        scope=parse_scope("community:bandung-juara"), metric="members", as_of=AS_OF, current=24
    )
    assert juara == {"pace_since": dt.date(2020, 1, 31), "pace_since_start": 3.0}


def test_pace_since_start_needs_an_ended_first_month(data):
    surabaya = parse_scope("community:surabaya-maju")  # first members on 2020-07-15
    assert selectors.target_pace_since_start(
        scope=surabaya, metric="members", as_of=dt.date(2020, 7, 31), current=5
    ) == {"pace_since": None, "pace_since_start": None}
    assert selectors.target_pace_since_start(
        scope=surabaya, metric="members", as_of=dt.date(2020, 8, 31), current=5
    ) == {"pace_since": dt.date(2020, 7, 31), "pace_since_start": 0.0}
    nobody = selectors.target_pace_since_start(
        scope=parse_scope("regency:35.78"), metric="jobs", as_of=AS_OF, current=0
    )
    assert nobody == {"pace_since": None, "pace_since_start": None}


def test_pace_since_start_on_the_page_and_in_the_targets_csv(client, secretariat, data):
    client.force_login(secretariat)
    html = client.get("/dasbor/").content.decode()
    assert re.search(r"Rata-rata per bulan sejak Januari 2019</dt><dd>2</dd>", html)
    targets = rows_of(client.get("/dasbor/csv/target/"))
    assert targets[0][6:9] == [
        "laju sekarang per bulan",
        "rata-rata per bulan sejak awal",
        "awal (akhir bulan pertama)",
    ]
    assert targets[1][7:9] == ["1.5", "2019-01-31"]
    assert targets[1][-1] == "off_track"
    client.cookies["django_language"] = "en"
    assert "Average per month since January 2019" in client.get("/dasbor/").content.decode()


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1"]
)
def test_csv_names_never_run_as_formulas(client, secretariat, coordinator, data, typed):
    """Community and member names are typed by people; numbers stay numbers."""
    data["quiet"].name = typed
    data["quiet"].save(update_fields=["name"])
    client.force_login(secretariat)
    communities = rows_of(client.get("/dasbor/kabupaten/32.73/csv/komunitas/"))
    assert communities[1] == ["bandung-dua", "'" + typed, "1", "", "", "1", "100.0", "0", "0"]

    community = coordinator.coordinated_communities.get()
    make_stuck(MemberFactory(community=community, full_name=typed), 3, 120)
    client.force_login(coordinator)
    rows = rows_of(client.get("/dasbor/komunitas/bandung-juara/csv/macet/"))
    assert rows[1] == ["'" + typed, "3"]
