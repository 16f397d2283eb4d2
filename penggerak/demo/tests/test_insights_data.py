"""The insights part of the demo: as-of date, rollups equal to a rebuild, seed targets."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from penggerak.insights import rollups, selectors
from penggerak.insights.asof import as_of_date
from penggerak.insights.models import Target
from penggerak.registry.models import Member

pytestmark = pytest.mark.django_db


def test_tiny_demo_insights(monkeypatch):
    monkeypatch.delenv("PENGGERAK_AS_OF", raising=False)
    call_command("demo", preset="tiny", verbosity=0)
    today = timezone.localdate()
    assert as_of_date() == today
    assert rollups.rollups_diff() == {}
    assert rollups.total("nation", "members") == Member.objects.exclude(status="left").count()
    assert rollups.total("nation", "communities") == 3
    nation = {t.metric: t for t in Target.objects.filter(scope="nation")}
    # 2,000,000 x 300 / 378,212 and 500 x 3 / 156, four years ahead of a date after 2024.
    assert (nation["members"].value, nation["communities"].value) == (1586, 10)
    assert nation["members"].deadline.year == today.year + 4
    provinces = Target.objects.filter(parent=nation["members"])
    assert sum(provinces.values_list("value", flat=True)) == 1586
    assert {t.scope for t in provinces} <= {"province:31", "province:32", "province:35"}
    from penggerak.accounts.models import User

    items = selectors.targets_with_progress(actor=User.objects.get(username="sekretariat"))
    members = next(i for i in items if i["metric"] == "members")
    assert members["current"] == rollups.total("nation", "members")
    assert members["status"] in ("on_track", "at_risk", "off_track")
    assert members["forecast_at_deadline"] is not None
