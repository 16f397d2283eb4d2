"""factory_boy factories for mentoring data."""

import factory
from factory.django import DjangoModelFactory

from penggerak.accounts.models import Role
from penggerak.mentoring.models import Mentor
from penggerak.registry.tests.factories import UserFactory


class MentorFactory(DjangoModelFactory):
    class Meta:
        model = Mentor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.PARTNER)
    expertise = "Pemasaran digital"
    caseload_limit = 3

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)
