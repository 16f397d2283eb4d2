"""``penggerak validate``: JSON Lines out, in input order, no database, exit 0 unless misused."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO_ROOT = Path(__file__).resolve().parents[3]
NIK = "3273010201900001"


def run(*args, stdin: str | None = None) -> list[dict]:
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("validate", *args, **options)
    text = out.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_one_compact_json_object_per_value_in_input_order():
    out = io.StringIO()
    call_command("validate", "nik", NIK, "123", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert ", " not in lines[0] and '": ' not in lines[0]
    first, second = (json.loads(line) for line in lines)
    assert (first["input"], first["valid"], first["normalized"]) == (NIK, True, NIK)
    assert first["details"]["district_name"] == "Sukasari"
    assert second == {
        "input": "123",
        "valid": False,
        "normalized": None,
        "errors": [{"code": "nik_length", "message": "NIK harus 16 digit; yang diisi 3 digit."}],
        "warnings": [],
        "details": {},
    }


def test_non_ascii_is_printed_as_is():
    out = io.StringIO()
    call_command("validate", "nik", "x", stdout=out)
    assert "“x”" in out.getvalue()


def test_lang_en():
    [result] = run("nik", "123", "--lang", "en")
    assert result["errors"] == [
        {"code": "nik_length", "message": "NIK must have 16 digits; 3 were given."}
    ]


@pytest.mark.parametrize(
    ("kind", "value", "normalized"),
    [
        ("phone", "62812 3456 7890", "+6281234567890"),
        ("npwp", "01.234.567.4-901.000", "012345674901000"),
        ("nib", "9120001234567", "9120001234567"),
        ("kbli", "47111", "47111"),
        ("postal", "40152", "40152"),
        ("email", "Siti@Example.com", "Siti@example.com"),
    ],
)
def test_every_kind(kind, value, normalized):
    [result] = run(kind, value)
    assert (result["valid"], result["normalized"]) == (True, normalized)


def test_kbli_edition_option_may_follow_the_values():
    [result] = run("kbli", "47111", "--edition", "2025")
    assert result["details"] == {"edition": 2025, "division": "47", "section": "G"}
    [result] = run("kbli", "--edition", "2025", "01111")
    assert result["details"]["section"] == "A"


def test_reads_stdin_one_value_per_line_when_no_values_given():
    results = run("phone", stdin="0812-3456-7890\r\n+1 202 555 0123\n\n812 3456 7890\n")
    assert [(r["input"], r["valid"]) for r in results] == [
        ("0812-3456-7890", True),
        ("+1 202 555 0123", False),
        ("", False),
        ("812 3456 7890", True),
    ]
    assert [r["errors"][0]["code"] for r in results if r["errors"]] == [
        "phone_not_indonesian",
        "phone_empty",
    ]


@pytest.mark.parametrize(
    "args",
    [("passport", "A123"), ("nik", "1", "--lang", "fr"), ("kbli", "47111", "--edition", "2017")],
)
def test_usage_errors(args):
    with pytest.raises(CommandError):
        call_command("validate", *args, stdout=io.StringIO())


def test_console_command_exit_status_and_output():
    completed = subprocess.run(
        [sys.executable, "-m", "penggerak", "validate", "nik", NIK, "9101010201900001", "12"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [(r["valid"], [w["code"] for w in r["warnings"]]) for r in results] == [
        (True, []),
        (True, ["nik_region_former"]),
        (False, []),
    ]


def test_console_command_reads_stdin_and_exits_2_on_usage_error():
    completed = subprocess.run(
        [sys.executable, "-m", "penggerak", "validate", "postal", "--lang", "en"],
        cwd=REPO_ROOT,
        input="40152\n99999\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [r["warnings"] for r in results] == [
        [],
        [
            {
                "code": "postal_code_unknown",
                "message": "Postal code 99999 is not used by any village in the data; "
                "please check it.",
            }
        ],
    ]
    misuse = subprocess.run(
        [sys.executable, "-m", "penggerak", "validate", "passport", "A123"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert misuse.returncode == 2
    assert misuse.stdout == ""
    assert "invalid choice" in misuse.stderr
