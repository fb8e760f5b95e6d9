"""集中采购目录 seed (政府采购法 第七、十八条): Fujian's and Jiangxi's, as dated regional reference data.

Each row: (region, since, 品目 code, name, kind, source, confidence). kind 'agency' = 集中采购机构采购项目,
'department' = 部门集中采购项目. Confidence as in RULES.md: P public official notice, Q current practice
(the item is in the catalogue in the edition's province as far as its published lists show), R unconfirmed.
A later edition is a new set of rows with a later `since` (it replaces the whole catalogue from that date);
never edit a row that was in force. Codes must exist in core/data/categories.py.
"""

FJ_2024 = "福建省政府集中采购目录及标准（2024年版）"
JX_2022 = "江西省政府集中采购目录及标准（2022年版）"

_ITEMS = [
    # (code, name, kind, confidence)
    ("A02010104", "台式计算机", "agency", "Q"),
    ("A02010105", "便携式计算机", "agency", "Q"),
    ("A02021000", "打印设备", "agency", "Q"),
    ("A02020100", "复印机", "agency", "Q"),
    ("A02020400", "多功能一体机", "agency", "R"),
    ("A02061804", "空调机", "agency", "Q"),
    ("A02030500", "乘用车", "agency", "Q"),
    ("C21000000", "物业管理服务", "department", "R"),
    ("C16070000", "云计算服务", "department", "R"),
]

ROWS = [
    *[("350000", "2024-01-01", code, name, kind, FJ_2024, conf) for code, name, kind, conf in _ITEMS],
    *[("360000", "2022-01-01", code, name, kind, JX_2022, conf) for code, name, kind, conf in _ITEMS],
]


def seed(model) -> None:
    """Insert the rows that are missing (idempotent; `model` may be a migration's historical model)."""
    for region, since, code, name, kind, source, confidence in ROWS:
        model.objects.get_or_create(region_code=region, effective_from=since, category_code=code,
                                    defaults={"name": name, "kind": kind, "source": source,
                                              "confidence": confidence})
