"""Builders for tests and demo data: units with valid credit codes, users with roles."""

import itertools

import factory

from core import uscc

from .models import Region, RoleAssignment, Unit, User

_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return uscc.make(f"12{350000 + n % 100000:06d}{n:09d}"[:17])


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_unit(name: str, *, region_code: str = "350000", kind: str = Unit.KIND_PURCHASER, level: str | None = None,
              competent: Unit | None = None, is_member: bool = True, is_competent: bool = False,
              budget_code: str = "", code: str | None = None) -> Unit:
    reg = region(region_code)
    return Unit.objects.create(
        name=name, kind=kind, level=level or {"province": "province", "city": "city"}.get(reg.level, "county"),
        region=reg, competent=competent, is_member=is_member, is_competent=is_competent,
        credit_code=code or credit_code(), budget_code=budget_code)


def make_user(username: str, unit: Unit, *roles: str, password: str = "Zc@123456", full_name: str = "") -> User:
    user = User.objects.create_user(username=username, password=password, unit=unit, full_name=full_name or username)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    return user


class UnitFactory(factory.django.DjangoModelFactory):
    """`UnitFactory(region=region("350100"), competent=dept)`: a purchaser with a valid credit code."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.KIND_PURCHASER
    region = factory.LazyFunction(lambda: region("350000"))
    level = factory.LazyAttribute(lambda o: {"province": "province", "city": "city"}.get(o.region.level, "county"))
    credit_code = factory.LazyFunction(credit_code)
    is_member = True


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(unit=u, roles=[Role.CLERK])`: password Zc@123456."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "Zc@123456")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            RoleAssignment.objects.create(user=self, role=role)
        self.save()
