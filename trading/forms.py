"""The 受理 page: the lots (包) as a line table — each row a name and the plan lines' 序号 it holds."""

import re

from core.errors import FieldErrors
from core.lines import LineColumn, LineTable

LOT_TABLE = LineTable(
    prefix="lots", label="分包", add_label="新增一包", min_rows=1,
    help="每条采购内容明细须分在一个包中；只有一个包时即不分包。",
    columns=(LineColumn("name", "包名称"),
             LineColumn("lines", "包含明细序号", header="包含明细序号（以逗号分隔，如 1,2）", max_length=400)))

SEQS = re.compile(r"^\d{1,6}(\s*[,，、]\s*\d{1,6})*$")


def lot_groups(rows: list[dict]) -> list[dict]:
    """The cleaned rows as the service's lots: {"name", "lines": [序号 …]}; a malformed list is the cell's error."""
    errors, out = {}, []
    for i, row in enumerate(rows):
        text = (row.get("lines") or "").strip()
        if not SEQS.match(text):
            errors[f"lots.{i}.lines"] = "请填写明细序号，以逗号分隔，如 1,2。"
            continue
        out.append({"name": row.get("name") or "", "lines": [int(s) for s in re.split(r"\s*[,，、]\s*", text)]})
    if errors:
        raise FieldErrors(errors)
    return out
