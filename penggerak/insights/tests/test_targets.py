"""Targets: setting, cascading, the as-of date and the targets API with permissions."""

import datetime as dt

import pytest

from penggerak.accounts.models import Role
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.insights import rollups, services
from penggerak.insights.asof import as_of_date
from penggerak.insights.models import InsightSettings, Target
from penggerak.registry.tests.factories import CommunityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2020, 8, 31)
DEADLINE = dt.date(2024, 12, 31)


@pytest.fixture
def as_of(db):
    InsightSettings.objects.update_or_create(pk=1, defaults={"as_of": AS_OF})
    return AS_OF


def _set(actor, **overrides):
    values = {"metric": "members", "scope": "nation", "value": 2_000_000, "deadline": DEADLINE}
    values.update(overrides)
    return services.target_set(actor=actor, **values)


class TestAsOf:
    @pytest.mark.any_day
    def test_default_today_then_setting_then_env(self, secretariat, monkeypatch):
        monkeypatch.delenv("PENGGERAK_AS_OF", raising=False)
        from django.utils import timezone

        assert as_of_date() == timezone.localdate()
        services.as_of_set(actor=secretariat, as_of=AS_OF)
        assert as_of_date() == AS_OF
        monkeypatch.setenv("PENGGERAK_AS_OF", "2021-01-02")
        assert as_of_date() == dt.date(2021, 1, 2)

    def test_only_national_secretariat(self, coordinator):
        with pytest.raises(PermissionDenied):
            services.as_of_set(actor=coordinator, as_of=AS_OF)
        assert not InsightSettings.objects.exists()


class TestTargetSet:
    def test_set_and_update(self, secretariat, as_of):
        target = _set(secretariat)
        assert (target.scope, target.value, target.deadline) == ("nation", 2_000_000, DEADLINE)
        _set(secretariat, value=2_500_000)
        assert Target.objects.get().value == 2_500_000
        assert AuditEvent.objects.filter(object_type="insights.target").count() == 2

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"value": 0}, "value"),
            ({"value": -5}, "value"),
            ({"deadline": dt.date(2020, 8, 1)}, "deadline"),
            ({"deadline": AS_OF}, "deadline"),
            ({"scope": "province:99"}, "scope"),
            ({"scope": "community:tidak-ada"}, "scope"),
            ({"scope": "planet:mars"}, "scope"),
            ({"metric": "step_flying"}, "metric"),
        ],
    )
    def test_bad_input_saves_nothing(self, secretariat, as_of, overrides, field):
        with pytest.raises(DomainError) as caught:
            _set(secretariat, **overrides)
        assert caught.value.code == "validation_error"
        assert set(caught.value.fields) == {field}
        assert not Target.objects.exists()

    def test_deadline_message_names_as_of(self, secretariat, as_of):
        with pytest.raises(DomainError) as caught:
            _set(secretariat, deadline=dt.date(2019, 1, 1))
        assert "2020-08-31" in str(caught.value.fields["deadline"][0])

    def test_not_secretariat(self, coordinator, partner_user, as_of):
        for actor in (coordinator, partner_user):
            with pytest.raises(PermissionDenied):
                _set(actor)
        assert not Target.objects.exists()

    def test_provincial_secretariat_only_own_province(self, as_of):
        provincial = UserFactory(role=Role.SECRETARIAT, province_id="32")
        _set(provincial, scope="province:32", value=100)
        for scope in ("nation", "province:35"):
            with pytest.raises(PermissionDenied):
                _set(provincial, scope=scope, value=100)
        assert Target.objects.count() == 1


class TestCascade:
    def test_equal_to_provinces_adds_up(self, secretariat, as_of):
        parent = _set(secretariat)
        children = services.target_cascade(actor=secretariat, target=parent, key="equal")
        assert len(children) == 38
        assert sum(c.value for c in children) == 2_000_000
        assert {c.value for c in children} == {52_631, 52_632}
        assert all(c.parent_id == parent.pk and c.deadline == DEADLINE for c in children)

    def test_by_members(self, secretariat, as_of, community, other_community):
        MemberFactory.create_batch(3, community=community)
        MemberFactory.create_batch(1, community=other_community)
        rollups.rebuild()
        parent = _set(secretariat, value=1001)
        children = services.target_cascade(actor=secretariat, target=parent, key="members")
        assert {c.scope: c.value for c in children} == {"province:32": 751, "province:35": 250}

    def test_province_to_communities_manual(self, secretariat, as_of, community):
        second = CommunityFactory(slug="cimahi", regency_id="32.77")
        parent = _set(secretariat, scope="province:32", value=50)
        with pytest.raises(DomainError) as caught:
            services.target_cascade(
                actor=secretariat,
                target=parent,
                key="manual",
                shares={f"community:{community.slug}": 20, "community:cimahi": 20},
            )
        assert caught.value.code == "shares_mismatch"
        assert "40" in str(caught.value.message) and "50" in str(caught.value.message)
        assert Target.objects.count() == 1
        children = services.target_cascade(
            actor=secretariat,
            target=parent,
            key="manual",
            shares={f"community:{community.slug}": 30, f"community:{second.slug}": 20},
        )
        assert sorted(c.value for c in children) == [20, 30]

    def test_bad_cascades(self, secretariat, as_of, community):
        parent = _set(secretariat)
        with pytest.raises(DomainError) as caught:
            services.target_cascade(actor=secretariat, target=parent, key="members")
        assert caught.value.code == "no_weights"
        with pytest.raises(DomainError) as caught:
            services.target_cascade(actor=secretariat, target=parent, key="population")
        assert caught.value.code == "unknown_key"
        leaf = _set(secretariat, scope=f"community:{community.slug}", value=10)
        with pytest.raises(DomainError) as caught:
            services.target_cascade(actor=secretariat, target=leaf, key="equal")
        assert caught.value.code == "cannot_cascade"
        assert Target.objects.count() == 2


# --- API ----------------------------------------------------------------------------------


def _get(client, token=None, scope="nation"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/insights/targets", {"scope": scope}, **headers)


@pytest.fixture
def seeded(secretariat, community, as_of):
    for month in range(1, 9):
        MemberFactory.create_batch(2, community=community, joined_on=dt.date(2020, month, 10))
    rollups.rebuild()
    _set(secretariat)
    _set(secretariat, scope=f"community:{community.slug}", value=100)
    return community


class TestTargetsApi:
    def test_shape_for_secretariat(self, client, api_token, secretariat, seeded):
        response = _get(client, api_token(secretariat))
        assert response.status_code == 200
        (item,) = response.json()["items"]
        assert set(item) == {
            "metric", "scope", "target", "deadline", "current", "progress",
            "forecast_at_deadline", "forecast_low", "forecast_high", "eta",
            "required_per_month", "current_per_month", "status", "note",
        }  # fmt: skip
        assert item["metric"] == "members" and item["scope"] == "nation"
        assert item["target"] == 2_000_000 and item["current"] == 16
        assert item["deadline"] == "2024-12-31"
        assert item["progress"] == 0.0
        assert item["current_per_month"] == pytest.approx(2, rel=0.1)
        assert item["status"] == "off_track"
        assert isinstance(item["forecast_at_deadline"], int | float)

    def test_too_little_history(self, client, api_token, secretariat, community, as_of):
        MemberFactory(community=community, joined_on=dt.date(2020, 8, 1))
        rollups.rebuild()
        _set(secretariat, value=10)
        (item,) = _get(client, api_token(secretariat)).json()["items"]
        assert item["forecast_at_deadline"] is None and item["eta"] is None
        assert item["status"] is None and item["note"]

    def test_anonymous_401(self, client, seeded):
        assert _get(client).status_code == 401

    def test_coordinator_own_community_only(
        self, client, api_token, coordinator, other_coordinator, seeded
    ):
        scope = f"community:{seeded.slug}"
        assert _get(client, api_token(coordinator), scope).status_code == 200
        assert len(_get(client, api_token(coordinator), scope).json()["items"]) == 1
        assert _get(client, api_token(other_coordinator), scope).status_code == 404
        assert _get(client, api_token(coordinator), "nation").status_code == 404

    def test_partner_sees_aggregates(self, client, api_token, partner_user, seeded):
        assert _get(client, api_token(partner_user)).status_code == 200

    def test_member_404(self, client, api_token, member_user, seeded):
        assert _get(client, api_token(member_user), f"community:{seeded.slug}").status_code == 404

    def test_bad_scopes(self, client, api_token, secretariat, seeded):
        token = api_token(secretariat)
        assert _get(client, token, "province:99").status_code == 404
        response = _get(client, token, "planet:mars")
        assert response.status_code == 422 and response.json()["code"] == "invalid_scope"

    def test_query_count_is_flat(
        self, client, api_token, secretariat, seeded, django_assert_max_num_queries
    ):
        token = api_token(secretariat)
        with django_assert_max_num_queries(8):
            _get(client, token)
