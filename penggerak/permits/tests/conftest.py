import pytest

from penggerak.registry.tests.factories import BusinessFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def business(member):
    return BusinessFactory(owner=member, name="Keripik Siti", sector="food")


@pytest.fixture
def other_business(other_community):
    from penggerak.registry.tests.factories import MemberFactory

    owner = MemberFactory(community=other_community, full_name="Budi Santoso")
    return BusinessFactory(owner=owner, name="Batik Budi", sector="fashion")
