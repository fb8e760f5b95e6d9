from access import rights
from access.decorators import requires
from core.listing import Column, ListSpec, render_list

from . import selectors

SPEC = ListSpec(
    title="合同查询", breadcrumb=["合同管理", "合同查询"], export_name="合同",
    columns=[Column("合同编号", "number"), Column("合同名称", "name"), Column("供应商", "supplier"),
             Column("合同金额（元）", "amount", kind="money"), Column("签订日期", "signed_on", kind="date"),
             Column("备案时间", "filed_at", kind="datetime"),
             Column("一签多年", lambda c: "是" if c.multi_year else "否"), Column("采购单位", "unit.name")],
    ordering=("-id",))


@requires(rights.may_view_contracts)
def contract_list(request):
    return render_list(request, selectors.visible(request.user), SPEC)
