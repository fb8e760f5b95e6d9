import pytest

from .factories import IndicatorFactory


@pytest.fixture
def books(world):
    """world plus indicators: two of the 教育厅 (one invalid), one of its subordinate 考试院, one of the
    福州 unit, one of the Jiangxi unit, one not yet matched to a unit (福州 区划), and a virtual budget of
    the 教育厅."""
    w = world
    w.ind_dept = IndicatorFactory(unit=w.dept, amount="500000.00", pro_name="教育厅信息化建设", pro_code="3500002601")
    w.ind_dept_invalid = IndicatorFactory(unit=w.dept, amount="20000.00", pro_name="教育厅已撤销指标", is_valid=False)
    w.ind_sub1 = IndicatorFactory(unit=w.sub1, amount="80000.00", pro_name="考试院考务设备", fund_type_code="21",
                                  is_gov_pur=False)
    w.ind_fz = IndicatorFactory(unit=w.fz_unit, amount="60000.00", pro_name="一中实验室改造", fiscal_year=2025)
    w.ind_jx = IndicatorFactory(unit=w.jx_unit, amount="70000.00", pro_name="南昌一中课桌椅")
    w.ind_orphan = IndicatorFactory(amount="10000.00", pro_name="未匹配单位的指标", mof_div_code="350100",
                                    agency_code="350100999")
    w.virt_dept = IndicatorFactory(unit=w.dept, amount="300000.00", pro_name="教育厅物业服务（虚拟）",
                                   source="virtual", virtual_scenario="multi_year", bgt_id="VI-350000-2026-000099",
                                   exp_func_code="", gov_bgt_eco_code="", dep_bgt_eco_code="", source_type_code="",
                                   cor_bgt_doc_no="")
    return w
