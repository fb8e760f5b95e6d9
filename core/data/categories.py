"""政府采购品目 seed: a working subset of the 政府采购品目分类目录 (财库〔2022〕31号).

A 货物, B 工程, C 服务; a code nests under the longest listed code it extends once its trailing "00" groups are
dropped (A02010104 → A02010100 → A02010000 → A02000000 → A). The kind follows the first letter; a row is a
leaf (末级, the only level a 采购内容清单 line may choose) when no listed row nests under it.

Loaded by migration core/0005, which also seeds the rule parameter `mall_max_amount`; `ensure_seeded()`
restores both after a test flush. The subset covers what the demo and the tests buy; the official catalogue
has ~1 000 rows — load it with a later migration (add rows, never renumber). Names follow the catalogue's
wording where known; rows not checked against the official text are marked R in their comment.
"""

CATEGORIES = [
    # 货物
    ("A", "货物"),
    ("A02000000", "设备"),
    ("A02010000", "信息化设备"),
    ("A02010100", "计算机"),
    ("A02010103", "服务器"),
    ("A02010104", "台式计算机"),
    ("A02010105", "便携式计算机"),
    ("A02010107", "平板式微型计算机"),
    ("A02010200", "网络设备"),
    ("A02010201", "路由器"),
    ("A02010202", "交换设备"),
    ("A02010300", "信息安全设备"),
    ("A02010301", "防火墙"),
    ("A02010302", "入侵检测设备"),
    ("A02010500", "存储设备"),  # R
    ("A02010504", "磁盘阵列"),  # R
    ("A02020000", "办公设备"),
    ("A02020100", "复印机"),
    ("A02020200", "投影仪"),
    ("A02020400", "多功能一体机"),
    ("A02020800", "碎纸机"),  # R
    ("A02021000", "打印设备"),
    ("A02021001", "A3黑白打印机"),
    ("A02021002", "A3彩色打印机"),
    ("A02021003", "A4黑白打印机"),
    ("A02021004", "A4彩色打印机"),
    ("A02021100", "扫描仪"),  # R
    ("A02030000", "车辆"),
    ("A02030500", "乘用车"),
    ("A02030600", "客车"),
    ("A02060000", "电气设备"),
    ("A02061800", "生活用电器"),
    ("A02061801", "电冰箱"),
    ("A02061804", "空调机"),
    ("A05000000", "家具和用具"),
    ("A05010000", "家具"),
    ("A05010100", "床类"),
    ("A05010200", "台、桌类"),
    ("A05010300", "椅凳类"),
    ("A05010400", "沙发类"),
    ("A05010500", "柜类"),
    ("A05040000", "办公用品"),  # R
    ("A05040100", "复印纸"),  # R
    # 工程
    ("B", "工程"),
    ("B01000000", "房屋施工"),
    ("B01010000", "办公用房施工"),
    ("B01020000", "业务用房施工"),  # R
    ("B01030000", "教育用房施工"),  # R
    ("B02000000", "构筑物施工"),
    ("B02010000", "道路施工"),  # R
    ("B02020000", "桥梁施工"),  # R
    ("B06000000", "安装工程"),
    ("B06010000", "电气安装"),  # R
    ("B06020000", "管道和设备安装"),  # R
    ("B07000000", "装修工程"),
    ("B07010000", "建筑装饰装修"),  # R
    ("B07020000", "幕墙工程"),  # R
    ("B08000000", "修缮工程"),
    ("B08010000", "房屋修缮"),  # R
    ("B08020000", "构筑物修缮"),  # R
    ("B99000000", "其他建筑工程"),
    # 服务
    ("C", "服务"),
    ("C02000000", "教育服务"),  # R
    ("C02010000", "培训服务"),  # R
    ("C16000000", "信息技术服务"),
    ("C16010000", "软件开发服务"),
    ("C16020000", "信息系统集成实施服务"),
    ("C16030000", "数据处理服务"),
    ("C16050000", "运行维护服务"),
    ("C16060000", "信息技术咨询服务"),  # R
    ("C16070000", "云计算服务"),  # R
    ("C19000000", "维修和保养服务"),  # R
    ("C19010000", "车辆维修和保养服务"),  # R
    ("C19020000", "办公设备维修和保养服务"),  # R
    ("C20000000", "会议、展览、住宿和餐饮服务"),  # R
    ("C20010000", "会议服务"),  # R
    ("C20030000", "住宿服务"),  # R
    ("C20040000", "餐饮服务"),  # R
    ("C21000000", "物业管理服务"),
    ("C21010000", "房屋物业管理服务"),  # R
    ("C21020000", "公共设施管理服务"),  # R
    ("C22000000", "商务服务"),  # R
    ("C22010000", "法律服务"),  # R
    ("C22020000", "会计服务"),  # R
    ("C22030000", "审计服务"),  # R
    ("C22070000", "广告服务"),  # R
    ("C23000000", "印刷和出版服务"),
    ("C23010000", "印刷服务"),
    ("C23020000", "出版服务"),  # R
]

KINDS = {"A": "goods", "B": "works", "C": "services"}

# 网上超市单个项目金额上限: a rule parameter of the 立项 check (seeded with the categories by core/0005)
MALL_MAX_AMOUNT = {
    "name": "mall_max_amount", "label": "网上超市单个项目金额上限", "region_code": "", "level": "",
    "effective_from": "2020-01-01", "kind": "decimal", "value": "2000000", "unit": "元",
    "source": "福建省网上超市管理规定（待确认）", "confidence": "R",
}
PARAMETER_KEY = ("name", "region_code", "level", "effective_from")


def parent_code(code: str, known: set[str]) -> str | None:
    """The nearest listed code that `code` extends: drop trailing non-zero two-digit groups one by one."""
    if len(code) == 1:
        return None
    digits = code[1:]
    for end in range(len(digits) - 2, 0, -2):
        candidate = code[0] + digits[:end] + "0" * (len(digits) - end)
        if candidate != code and candidate in known and digits[:end].strip("0"):
            return candidate
    return code[0] if code[0] in known else None


def rows() -> list[dict]:
    """The seed as field dicts: code, name, kind, parent (code or None), is_leaf."""
    known = {code for code, _ in CATEGORIES}
    parents = {code: parent_code(code, known) for code, _ in CATEGORIES}
    with_children = {p for p in parents.values() if p}
    return [{"code": code, "name": name, "kind": KINDS[code[0]], "parent": parents[code],
             "is_leaf": code not in with_children} for code, name in CATEGORIES]


def seed(Category) -> None:
    """Create or update the seeded categories (the migration passes its historical model)."""
    by_code = {}
    for row in rows():  # parents are listed before their children
        by_code[row["code"]] = Category.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "kind": row["kind"], "is_leaf": row["is_leaf"],
                                        "parent": by_code.get(row["parent"])})[0]


def seed_parameters(RuleParameter) -> None:
    RuleParameter.objects.update_or_create(
        **{k: MALL_MAX_AMOUNT[k] for k in PARAMETER_KEY},
        defaults={k: v for k, v in MALL_MAX_AMOUNT.items() if k not in PARAMETER_KEY})


def ensure_seeded() -> None:
    """Restore the seed after a flush (transactional tests, a fresh demo): only what is missing."""
    from core.models import Category, RuleParameter

    if not Category.objects.exists():
        seed(Category)
    if not RuleParameter.objects.filter(name=MALL_MAX_AMOUNT["name"]).exists():
        seed_parameters(RuleParameter)
    from core.data import central_catalog
    from core.models import CentralCatalogItem

    if not CentralCatalogItem.objects.exists():
        central_catalog.seed(CentralCatalogItem)
