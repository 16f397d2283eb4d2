"""The tests marked `any_day` pass at awkward instants, not only on the day the suite runs.

A child pytest runs them once per instant (PENGGERAK_TEST_INSTANTS: the root conftest.py
stops their clock there; without it, at an ordinary Tuesday). The instants are the ones where
"today" is easy to get wrong: the last minutes of a WIB day, a WIB date that is not yet the
UTC one (and the other way round), month and year ends, 29 February. One child for all
instants: creating its test database costs more than the tests themselves. It has a database
of its own (PENGGERAK_TEST_DB_SUFFIX), so it never touches the parent's, xdist's
``_gw0``/``_gw1`` ones included.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine

# Read by the root conftest.py.
TEST_NOW_ENV = "PENGGERAK_TEST_NOW"
TEST_INSTANTS_ENV = "PENGGERAK_TEST_INSTANTS"
TEST_DB_SUFFIX_ENV = "PENGGERAK_TEST_DB_SUFFIX"

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve()

INSTANTS = [
    "2026-12-31T23:59:00+07:00",  # New Year's Eve, the last minute in WIB
    "2027-01-01T00:30:00+07:00",  # New Year in WIB, still 31 December 17:30 in UTC
    "2028-02-29T12:00:00+07:00",  # 29 February
    "2028-02-29T23:30:00+07:00",  # its last half hour in WIB (16:30 UTC, the same day)
    "2026-05-31T23:59:00+07:00",  # a Sunday, the last minute of a 31-day month
    "2026-08-17T06:30:00+07:00",  # Monday 17 August in WIB, Sunday 16 August 23:30 in UTC
    # The last minute of June in UTC is 06:59 on 1 July in WIB. Written in UTC, it also puts
    # the process's local zone in UTC (see conftest.py): a naive date.today() says 30 June.
    "2026-06-30T23:59:00+00:00",
]


def any_day_files() -> list[str]:
    """The test files holding `any_day` tests: naming them keeps the child's collection
    small, and leaves this file out (no recursion)."""
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.glob("penggerak/**/test_*.py")
        if path.resolve() != THIS and "pytest.mark.any_day" in path.read_text(encoding="utf-8")
    )


def test_the_marked_files_are_found():
    files = any_day_files()
    assert "penggerak/training/tests/test_today_card.py" in files
    assert "penggerak/tests/test_any_day.py" not in files


@pytest.mark.skipif(
    bool(os.environ.get(TEST_NOW_ENV) or os.environ.get(TEST_INSTANTS_ENV)),
    reason="already a run at chosen instants",
)
def test_any_day_tests_pass_at_every_awkward_instant():
    env = {
        **os.environ,
        TEST_INSTANTS_ENV: ",".join(INSTANTS),
        # The parent's pid: two parents (xdist workers, two checkouts) never share one.
        TEST_DB_SUFFIX_ENV: f"anyday{os.getpid()}",
    }
    command = [sys.executable, "-m", "pytest", "-m", "any_day", "-p", "no:xdist"]
    result = subprocess.run(
        [*command, "-q", "-rA", "--tb=short", *any_day_files()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout[-8000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    # Every marked test ran at every instant (-rA lists each "PASSED <id>").
    passed = [line for line in result.stdout.splitlines() if line.startswith("PASSED ")]
    per_instant = {i: sum(i in line for line in passed) for i in INSTANTS}
    assert len(set(per_instant.values())) == 1 and per_instant[INSTANTS[0]] >= 30, per_instant


def test_identity_today_follows_the_clock_back():
    """The NIK check caches today's date until the next local midnight; a clock set back (a
    test frozen at an earlier day, a corrected server clock) must not keep the later day."""
    from penggerak.core import identity

    wib = dt.timezone(dt.timedelta(hours=7))
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, 0, tzinfo=wib), tick=False):
        assert identity._today() == dt.date(2026, 12, 8)
    with time_machine.travel(dt.datetime(2026, 3, 10, 23, 59, tzinfo=wib), tick=False):
        assert identity._today() == dt.date(2026, 3, 10)
    with time_machine.travel(dt.datetime(2026, 3, 11, 0, 0, tzinfo=wib), tick=False):
        assert identity._today() == dt.date(2026, 3, 11)
