"""行政区划 seed (GB/T 2260): Fujian and Jiangxi with their 设区市 and a few counties.

平潭综合实验区 is administered at city level directly under the province, so it hangs from 350000
although its code (350128) sits in 福州's range; scope follows the tree, never the digits.
"""

REGIONS = [
    # code, name, level, parent
    ("350000", "福建省", "province", None),
    ("350100", "福州市", "city", "350000"),
    ("350200", "厦门市", "city", "350000"),
    ("350300", "莆田市", "city", "350000"),
    ("350400", "三明市", "city", "350000"),
    ("350500", "泉州市", "city", "350000"),
    ("350600", "漳州市", "city", "350000"),
    ("350700", "南平市", "city", "350000"),
    ("350800", "龙岩市", "city", "350000"),
    ("350900", "宁德市", "city", "350000"),
    ("350128", "平潭综合实验区", "city", "350000"),
    ("350102", "鼓楼区", "county", "350100"),
    ("350103", "台江区", "county", "350100"),
    ("350104", "仓山区", "county", "350100"),
    ("350121", "闽侯县", "county", "350100"),
    ("350203", "思明区", "county", "350200"),
    ("350206", "湖里区", "county", "350200"),
    ("350502", "鲤城区", "county", "350500"),
    ("350582", "晋江市", "county", "350500"),
    ("360000", "江西省", "province", None),
    ("360100", "南昌市", "city", "360000"),
    ("360200", "景德镇市", "city", "360000"),
    ("360300", "萍乡市", "city", "360000"),
    ("360400", "九江市", "city", "360000"),
    ("360500", "新余市", "city", "360000"),
    ("360600", "鹰潭市", "city", "360000"),
    ("360700", "赣州市", "city", "360000"),
    ("360800", "吉安市", "city", "360000"),
    ("360900", "宜春市", "city", "360000"),
    ("361000", "抚州市", "city", "360000"),
    ("361100", "上饶市", "city", "360000"),
    ("360102", "东湖区", "county", "360100"),
    ("360103", "西湖区", "county", "360100"),
    ("360121", "南昌县", "county", "360100"),
    ("360702", "章贡区", "county", "360700"),
]


def seed(Region) -> None:
    """Create or update the seeded regions (used by the migration and to restore them after a flush)."""
    by_code = {}
    for code, name, level, parent in REGIONS:
        parent_obj = by_code.get(parent)
        path = (parent_obj.path if parent_obj else "/") + code + "/"
        by_code[code] = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent_obj, "path": path})[0]
