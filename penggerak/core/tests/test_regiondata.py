"""Kemendagri region data in memory: counts, former codes, look-ups and the forgiving matcher."""

import csv
from collections import Counter

import pytest

from penggerak.core import regiondata
from penggerak.core.regiondata import (
    RegionMatch,
    RegionRecord,
    dotted_code,
    get_region,
    iter_regions,
    match_region,
    search_key,
)


def _codes(match: RegionMatch) -> list[str]:
    return [record.code for record in match.candidates]


# --- data --------------------------------------------------------------------------------


def test_current_counts_follow_kepmendagri_2025():
    counts = Counter(record.level for record in iter_regions() if record.is_current)
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}


def test_former_codes_are_the_pre_2022_papua_regencies():
    former = [record for record in iter_regions() if not record.is_current]
    assert len(former) == 26
    assert {record.level for record in former} == {2}
    assert {record.code[:2] for record in former} == {"91", "92"}
    assert sorted({record.successor_code[:2] for record in former}) == [
        "93",
        "94",
        "95",
        "96",
    ]


def test_every_former_successor_exists_with_the_same_name():
    with regiondata.FORMER_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "former_regions.csv is empty"
    for row in rows:
        successor = get_region(row["successor_code"])
        assert successor is not None, row
        assert successor.is_current, row
        assert successor.name == row["name"], row
        assert successor.level == int(row["level"]), row


def test_no_former_code_is_also_a_current_code():
    current_codes = {record.code for record in iter_regions() if record.is_current}
    with regiondata.FORMER_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        former_codes = [row["code"] for row in csv.DictReader(handle)]
    assert len(former_codes) == len(set(former_codes))
    assert not current_codes.intersection(former_codes)


def test_iter_regions_puts_parents_before_children():
    seen: set[str] = set()
    previous = (0, "")
    for record in iter_regions():
        assert (record.level, record.code) > previous
        previous = (record.level, record.code)
        if record.parent_code is not None:
            assert record.parent_code in seen, record
        else:
            assert record.level == 1
        seen.add(record.code)


def test_villages_carry_postal_codes_and_upper_levels_do_not():
    village = get_region("32.73.01.1001")
    assert village == RegionRecord(
        code="32.73.01.1001",
        name="Sukarasa",
        level=4,
        parent_code="32.73.01",
        postal_code="40152",
        is_current=True,
        successor_code=None,
    )
    assert get_region("32.73").postal_code == ""
    assert "40152" in regiondata.postal_codes()


def test_get_region_accepts_dotted_and_undotted_codes():
    assert get_region("32.73").name == "Kota Bandung"
    assert get_region("3273").name == "Kota Bandung"
    assert get_region(" 327301 ").name == "Sukasari"
    assert get_region("3273011001").name == "Sukarasa"
    assert get_region("32").name == "Jawa Barat"


def test_get_region_returns_former_codes_with_their_successor():
    merauke = get_region("9101")
    assert merauke == RegionRecord(
        code="91.01",
        name="Kabupaten Merauke",
        level=2,
        parent_code="91",
        postal_code="",
        is_current=False,
        successor_code="93.01",
    )
    assert get_region("92.71").successor_code == "96.71"


@pytest.mark.parametrize("code", ["", "3", "327", "32.99", "99", "abc", "32730110011", None, 3273])
def test_get_region_unknown_or_malformed_is_none(code):
    assert get_region(code) is None


def test_dotted_code():
    assert dotted_code("32") == "32"
    assert dotted_code("3273") == "32.73"
    assert dotted_code("327301") == "32.73.01"
    assert dotted_code("3273011001") == "32.73.01.1001"
    for bad in ("", "327", "32730", "abcd", "32.73"):
        with pytest.raises(ValueError):
            dotted_code(bad)


# --- search key ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kabupaten Tasikmalaya", "tasikmalaya"),
        ("KAB. TASIKMALAYA", "tasikmalaya"),
        ("Kota Tasikmalaya", "tasikmalaya"),
        ("  kota   tasikmalaya ", "tasikmalaya"),
        ("Daerah Khusus Ibukota Jakarta", "jakarta"),
        ("DKI Jakarta", "jakarta"),
        ("D.I. Yogyakarta", "yogyakarta"),
        ("Daerah Istimewa Yogyakarta", "yogyakarta"),
        ("Prov. Jawa Barat", "jawa barat"),
        ("Kec. Sukasari", "sukasari"),
        ("Kel. Sukarasa", "sukarasa"),
        ("Desa Sukamaju", "sukamaju"),
        ("Kabupaten Kep. Siau Tagulandang Biaro", "kepulauan siau tagulandang biaro"),
        ("Kota Administrasi Jakarta Pusat", "jakarta pusat"),
        ("Kabupaten Toli-Toli", "toli toli"),
        ("Ma'u", "mau"),
        ("Kelurahan", "kelurahan"),  # a real village: the name is not only a type word
        ("Sêrang", "serang"),
        ("", ""),
    ],
)
def test_search_key(name, key):
    assert search_key(name) == key


# --- matcher ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["KAB. TASIKMALAYA", "Kabupaten Tasikmalaya", "kab tasikmalaya", "Kab.Tasikmalaya"]
)
def test_match_regency_by_any_spelling(text):
    match = match_region(text)
    assert match.status == "found"
    assert match.region.code == "32.06"
    assert _codes(match) == ["32.06"]


@pytest.mark.parametrize("text", ["kota tasikmalaya", "KOTA TASIKMALAYA", "Kota  Tasikmalaya."])
def test_match_city(text):
    match = match_region(text, level=2)
    assert (match.status, match.region.code) == ("found", "32.78")


def test_bare_name_that_is_regency_and_city_is_ambiguous():
    match = match_region("Tasikmalaya", level=2)
    assert match.status == "ambiguous"
    assert match.region is None
    assert _codes(match) == ["32.06", "32.78"]


def test_ambiguity_across_levels_lists_every_candidate_in_order():
    match = match_region("Tasikmalaya")
    assert match.status == "ambiguous"
    assert _codes(match)[:2] == ["32.06", "32.78"]
    assert [record.level for record in match.candidates] == sorted(
        record.level for record in match.candidates
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("D.I. Yogyakarta", "34"),
        ("DI Yogyakarta", "34"),
        ("DIY", "34"),
        ("DKI Jakarta", "31"),
        ("Jakarta", "31"),
        ("Prov. Jawa Barat", "32"),
        ("Provinsi Jawa Barat", "32"),
        ("jabar", "32"),
        ("NTB", "52"),
        ("N.T.T.", "53"),
    ],
)
def test_match_province_spellings(text, code):
    match = match_region(text)
    assert (match.status, match.region.code) == ("found", code)


def test_bare_yogyakarta_is_province_city_or_a_village_in_lampung():
    assert _codes(match_region("Yogyakarta")) == ["34", "34.71", "18.10.02.2012"]
    assert match_region("Yogyakarta", level=2).region.code == "34.71"


def test_within_narrows_a_district_name_to_one():
    assert match_region("Sukasari", level=3).status == "ambiguous"
    match = match_region("Sukasari", level=3, within="32.73")
    assert (match.status, match.region.code) == ("found", "32.73.01")
    assert match_region("Kec. Sukasari", within="3273").region.code == "32.73.01"


def test_within_narrows_a_village_name():
    assert match_region("Sukarasa", level=4).status == "ambiguous"
    match = match_region("Kel. Sukarasa", within="32.73")
    assert (match.status, match.region.code) == ("found", "32.73.01.1001")


def test_within_outside_gives_not_found():
    match = match_region("Kota Tasikmalaya", within="35")
    assert match == RegionMatch("not_found", None, ())


def test_type_word_kota_is_part_of_lower_level_names():
    assert match_region("Kota Bahagia", level=3).region.code == "11.01.17"
    assert match_region("Bahagia", level=3).status == "not_found"


def test_city_and_district_with_the_same_name_is_ambiguous_unless_level_given():
    match = match_region("Kota Padang")
    assert match.status == "ambiguous"
    assert _codes(match)[:2] == ["13.71", "17.02.06"]
    assert match_region("Kota Padang", level=2).region.code == "13.71"


def test_spacing_differences_are_forgiven():
    assert match_region("Fakfak", level=2).region.code == "92.03"
    assert match_region("Kab. Kep. Seribu").region.code == "31.01"
    assert match_region("Jakarta Pusat").region.code == "31.71"


def test_codes_are_accepted_as_text():
    assert match_region("32.06").region.code == "32.06"
    assert match_region("3206").region.code == "32.06"
    assert match_region("3206", level=3).status == "not_found"
    assert match_region("3206", within="33").status == "not_found"
    assert match_region("32.99").status == "not_found"


def test_current_region_wins_over_a_former_one_with_the_same_name():
    match = match_region("Kabupaten Merauke")
    assert (match.status, match.region.code) == ("found", "93.01")
    former = match_region("91.01")
    assert (former.status, former.region.is_current, former.region.successor_code) == (
        "found",
        False,
        "93.01",
    )


@pytest.mark.parametrize("text", ["", "   ", "...", "Atlantis", None, 42])
def test_nothing_sensible_is_not_found(text):
    assert match_region(text) == RegionMatch("not_found", None, ())
