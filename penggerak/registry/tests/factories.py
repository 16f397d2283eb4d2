"""factory_boy factories for registry data; NIKs are valid and consistent with birth date/sex."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from penggerak.accounts.models import Role, User
from penggerak.core.identity import compose_nik
from penggerak.core.protection import nik_digest, nik_encrypt, nik_mask
from penggerak.core.text import search_text
from penggerak.registry.models import Business, Community, Member, Partner

# Kota Bandung, Jawa Barat; district Sukasari; one of its villages.
BANDUNG = "32.73"
BANDUNG_DISTRICT = "32.73.01"
SURABAYA = "35.78"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MEMBER
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Komunitas Uji {n}")
    slug = factory.Sequence(lambda n: f"komunitas-uji-{n}")
    regency_id = BANDUNG
    founded_on = dt.date(2018, 1, 15)


class MemberFactory(DjangoModelFactory):
    """A member with a valid NIK; pass ``nik`` to control it, or let the sequence choose."""

    class Meta:
        model = Member
        exclude = ("nik", "serial")

    serial = factory.Sequence(lambda n: n + 1)
    full_name = factory.Sequence(lambda n: f"Anggota Uji {n}")
    search_name = factory.LazyAttribute(lambda o: search_text(o.full_name))
    birth_date = dt.date(1985, 3, 14)
    sex = Member.Sex.FEMALE
    nik = factory.LazyAttribute(
        lambda o: compose_nik(BANDUNG_DISTRICT, o.birth_date, o.sex, o.serial)
    )
    nik_digest = factory.LazyAttribute(lambda o: nik_digest(o.nik))
    nik_ciphertext = factory.LazyAttribute(lambda o: nik_encrypt(o.nik))
    nik_masked = factory.LazyAttribute(lambda o: nik_mask(o.nik))
    phone = factory.Sequence(lambda n: f"+62812{n:08d}"[:14])
    community = factory.SubFactory(CommunityFactory)
    region_id = factory.LazyAttribute(lambda o: o.community.regency_id)
    joined_on = dt.date(2020, 5, 1)
    status = Member.Status.ACTIVE
    furthest_step = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        member = super()._create(model_class, *args, **kwargs)
        # Keep the community counter true, as the services do.
        Community.objects.filter(pk=member.community_id).update(
            member_count=Member.objects.filter(community_id=member.community_id).count()
        )
        return member


class BusinessFactory(DjangoModelFactory):
    class Meta:
        model = Business

    owner = factory.SubFactory(MemberFactory)
    name = factory.Sequence(lambda n: f"Usaha Uji {n}")
    sector = Business.Sector.FOOD
    employees = 2
    monthly_turnover = 5_000_000
    capital = 10_000_000


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Mitra Uji {n}")
    slug = factory.Sequence(lambda n: f"mitra-uji-{n}")
    kind = Partner.Kind.BANK
