"""Issue 6 #3: the scope columns copied onto documents (Project.region_path, unit_path) follow their unit when
an approved registration moves it to another region or its competent unit changes (隶属确认, 解除)."""

import io
import json

import openpyxl
import pytest

from core.testing import client_for
from integration.models import PlatformUnit
from orgs import scope_columns
from orgs.models import Region, Role, Unit
from orgs.testing import make_unit, make_user
from projects.models import Project
from projects.tests.support import make_indicator, save
from registry.tests.test_services import data_for, fresh
from workflow import engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(world):
    """A 福州 unit with a project, and a 厦门 regulator."""
    from core.data.categories import ensure_seeded

    ensure_seeded()
    unit = make_unit("福州市市政管理局", region_code="350100", budget_code="350100301")
    PlatformUnit.objects.create(agency_code=unit.budget_code, agency_name=unit.name, credit_code=unit.credit_code,
                                mof_div_code="350100", fiscal_year=2026)
    clerk = make_user("szj_clerk", unit, Role.CLERK)
    project = save(clerk, indicator=make_indicator(unit, "100000"))
    xm_reg = make_user("xm_reg", make_unit("厦门市财政局采购办", region_code="350200", kind=Unit.KIND_REGULATOR),
                       Role.REGULATOR)
    return unit, clerk, project, xm_reg


def sees(user, project) -> dict:
    """Where the regulator meets the project: 项目查询, its export, the detail page, the API list and detail."""
    c = client_for(user)
    page = c.get("/projects/region/").content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(c.get("/projects/region/?export=xlsx").content)).active
    api_list = json.loads(c.get("/api/projects?scope=region").content)["items"]
    return {
        "query": project.number in page,
        "export": any(project.number in [str(v) for v in row] for row in sheet.values),
        "detail": c.get(f"/projects/{project.pk}/").status_code == 200,
        "api_list": any(item["id"] == project.pk for item in api_list),
        "api_detail": c.get(f"/api/projects/{project.pk}").status_code == 200,
    }


ALL = {"query": True, "export": True, "detail": True, "api_list": True, "api_detail": True}
NONE = dict.fromkeys(ALL, False)


def test_a_unit_moved_by_an_approved_registration_takes_its_projects_to_the_new_regulator(world, moved):
    unit, clerk, project, xm_reg = moved
    assert sees(world.fz_reg, project) == ALL and sees(xm_reg, project) == NONE
    from registry import services

    reg = services.registration_save(actor=clerk, data=data_for(unit, region=Region.objects.get(code="350200")))
    engine.approve(engine.submit(reg, clerk), world.fz_reg)
    assert fresh(unit).region_path == "/350000/350200/"
    assert fresh(project).region_path == "/350000/350200/"
    assert sees(world.fz_reg, project) == NONE
    assert sees(xm_reg, project) == ALL
    assert sees(world.fj_reg, project) == ALL  # the province still covers it


def test_competent_unit_confirmation_and_dissolution_refresh_unit_path(world, moved):
    from registry import services

    unit, clerk, project, _ = moved
    below = make_unit("福州市市政管理局下属所", region_code="350100", budget_code="350100302", competent=unit)
    below_project = save(make_user("below_clerk", below, Role.CLERK), indicator=make_indicator(below, "1000"))
    fz_dept = make_unit("福州市教育局", region_code="350100", budget_code="350100401", is_competent=True)
    make_user("fzd_competent", fz_dept, Role.COMPETENT)
    sub = services.subordination_request(actor=clerk, competent_unit=fz_dept)
    engine.approve(sub, fz_dept.users.get())
    assert fresh(project).unit_path == fresh(unit).path == f"{fz_dept.path}{unit.pk}/"
    assert fresh(below_project).unit_path == fresh(below).path == f"{fz_dept.path}{unit.pk}/{below.pk}/"
    services.subordination_dissolve(actor=world.fz_reg, subordination=sub, reason="误选")
    assert fresh(project).unit_path == f"/{unit.pk}/"
    assert fresh(below_project).unit_path == f"/{unit.pk}/{below.pk}/"


def test_project_is_registered_from_its_app(db):
    assert any(r.model is Project and r.columns == {"region_path": "region_path", "unit_path": "path"}
               for r in scope_columns.registered())


def test_refresh_writes_nothing_when_nothing_changed(world, moved):
    unit, _, _, _ = moved
    assert scope_columns.refresh_scope_columns([unit]) == 0
