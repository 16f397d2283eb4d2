"""``load_demo(extensions=...)`` / ``demo --extensions``: only the chosen apps' demo data."""

import pytest
from django.core.management import CommandError, call_command

from penggerak.demo.generator import PRESETS, extension_names, load_demo
from penggerak.insights import rollups
from penggerak.insights.models import Target
from penggerak.mentoring.models import Assignment
from penggerak.permits.models import Permit
from penggerak.registry.models import Community, Member
from penggerak.training.models import Event

pytestmark = pytest.mark.django_db


def test_extension_names_in_running_order():
    assert extension_names() == ["training", "mentoring", "permits", "insights"]


def test_only_insights_after_the_registry():
    summary = load_demo(PRESETS["tiny"], seed=2020, extensions=["insights"])
    assert Member.objects.count() == summary.members == 300
    assert rollups.total("nation", "members") == Member.objects.exclude(status="left").count()
    assert Target.objects.filter(scope="nation").count() == 2
    assert not Event.objects.exists()
    assert not Assignment.objects.exists()
    assert not Permit.objects.exists()
    assert set(summary.extras) == {"targets"}


def test_unknown_extension_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="unknown demo extensions: shop"):
        load_demo(PRESETS["tiny"], seed=2020, extensions=["insights", "shop"])
    assert not Community.objects.exists()
    with pytest.raises(CommandError, match="--extensions tidak dikenal / unknown: shop"):
        call_command("demo", preset="tiny", extensions="shop", verbosity=0)
    assert not Community.objects.exists()
