"""factory_boy factories for permits."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from penggerak.permits.models import Permit
from penggerak.registry.tests.factories import BusinessFactory


class PermitFactory(DjangoModelFactory):
    class Meta:
        model = Permit

    business = factory.SubFactory(BusinessFactory)
    kind = "pirt"
    status = "issued"
    number = "206327301001228"
    issuer = "Dinas Kesehatan Kota Bandung"
    submitted_on = dt.date(2023, 1, 10)
    issued_on = dt.date(2023, 2, 1)
    expires_on = dt.date(2028, 2, 1)
