"""The cast of the rights tests: one user per role, in the unit that role lives in, plus the edge cases (a
regulator unit's own clerk, a purchaser given the regulator role, a user without a unit, anonymous)."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from orgs.models import Role, Unit, User
from orgs.testing import make_unit, make_user


def cast(world) -> SimpleNamespace:
    """world (conftest) plus an agency, a supplier, a leader, an admin and the edge cases."""
    c = SimpleNamespace()
    c.clerk, c.reviewer = world.fz_clerk, world.fz_reviewer          # a plain purchaser (福州市第一中学)
    c.leader = make_user("fz_leader", world.fz_unit, Role.LEADER)
    c.competent = world.dept_competent                                # 福建省教育厅, competent over 考试院
    c.competent_clerk = world.dept_clerk                              # staff of a competent unit, no competent role
    c.sub_clerk = world.sub1_clerk
    c.regulator = world.fz_reg                                        # 福州
    c.province_regulator = world.fj_reg                               # 福建: above 福州
    c.other_regulator = world.jx_reg                                  # 江西
    c.admin = make_user("access_admin", world.fj_reg_unit, Role.ADMIN)
    c.superuser = User.objects.create_superuser("access_root", password="x")
    c.agency = make_user("access_agency", make_unit("福建省某招标代理公司", region_code="350000",
                                                    kind=Unit.KIND_AGENCY), Role.AGENCY)
    c.supplier = make_user("access_supplier", make_unit("福州某信息技术有限公司", region_code="350100",
                                                        kind=Unit.KIND_SUPPLIER), Role.SUPPLIER)
    c.reg_dept_clerk = make_user("fz_reg_dept_clerk", world.fz_reg_unit, Role.CLERK)   # the 财政局 buys too
    c.fake_regulator = make_user("fz_fake_reg", world.fz_unit, Role.REGULATOR)         # role without the unit
    c.unitless = make_user("access_unitless", None, Role.CLERK)
    c.anonymous = AnonymousUser()
    return c


WHO = ["clerk", "reviewer", "leader", "competent", "competent_clerk", "sub_clerk", "regulator", "province_regulator",
       "other_regulator", "admin", "superuser", "agency", "supplier", "reg_dept_clerk", "fake_regulator", "unitless",
       "anonymous"]
