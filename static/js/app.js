// Page behaviours bound by data attributes: the Content-Security-Policy forbids inline on*= handlers.
// Delegated from the document, so content swapped in by htmx works too.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var opener = e.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog) dialog.showModal();
      return;
    }
    var closer = e.target.closest("[data-close-dialog]");
    if (closer) {
      var own = closer.closest("dialog");
      if (own) own.close();
      return;
    }
    // line tables (core.lines): 新增一行 clones the table's <template> row; 删除 removes a row, keeping one.
    // Row numbers are a CSS counter; computed cells and totals come from the server (a live table listens
    // for `change`, so a removed row is recomputed there).
    var add = e.target.closest(".line-table .add-row");
    if (add) {
      var body = document.getElementById(add.dataset.target).tBodies[0];
      var row = document.getElementById(add.dataset.template).content.firstElementChild.cloneNode(true);
      body.append(row);
      filterOptions(row);
      return;
    }
    var del = e.target.closest(".line-table .del-row");
    if (del) {
      var rows = del.closest("tbody");
      if (rows.rows.length > 1) del.closest("tr").remove();
      else del.closest("tr").querySelectorAll("input, select").forEach(function (f) { f.value = ""; });
      rows.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    // a picker dialog (选择采购项目 …): 确定 adds a row to the line table for each checked option, its fields filled
    // from the option's data-row ({column: value}); an option already in the table (the same non-empty value in
    // one of the data-key columns) is skipped
    var pick = e.target.closest("[data-pick-rows]");
    if (pick) {
      var prefix = pick.dataset.prefix, keys = pick.dataset.key.split(" ");
      var tbody = document.getElementById(prefix + "-lines").tBodies[0];
      var field = function (tr, name) { return tr.querySelector('[name="' + prefix + "-" + name + '"]'); };
      Array.from(tbody.rows).forEach(function (tr) {  // the empty row a new table starts with
        if (Array.from(tr.querySelectorAll("input, select")).every(function (f) { return !f.value; })) tr.remove();
      });
      var taken = [];
      Array.from(tbody.rows).forEach(function (tr) {
        keys.forEach(function (k) { var f = field(tr, k); if (f && f.value) taken.push(k + "=" + f.value); });
      });
      var own = pick.closest("dialog");
      own.querySelectorAll("input[type=checkbox][data-row]:checked").forEach(function (box) {
        var row = JSON.parse(box.dataset.row);
        box.checked = false;
        if (keys.some(function (k) { return row[k] !== "" && taken.indexOf(k + "=" + row[k]) >= 0; })) return;
        var tr = document.getElementById(prefix + "-row").content.firstElementChild.cloneNode(true);
        Object.keys(row).forEach(function (name) { var f = field(tr, name); if (f) f.value = row[name]; });
        tbody.append(tr);
      });
      tbody.dispatchEvent(new Event("change", { bubbles: true }));  // live tables recompute
      own.close();
      return;
    }
    if (e.target.closest("[data-print]")) { window.print(); return; }
    // 审核不通过 needs an opinion: say so beside the field instead of submitting
    var reject = e.target.closest("[data-require-opinion]");
    if (reject && reject.form && reject.form.opinion && !reject.form.opinion.value.trim()) {
      e.preventDefault();
      var msg = document.getElementById(reject.dataset.requireOpinion);
      if (msg) msg.hidden = false;
      reject.form.opinion.focus();
    }
  });
  // a picker's own search: hides the options whose row text does not contain what is typed
  document.addEventListener("input", function (e) {
    var box = e.target.closest("[data-filter-rows]");
    if (!box) return;
    var text = box.value.trim();
    document.getElementById(box.dataset.filterRows).querySelectorAll("tbody tr").forEach(function (tr) {
      tr.hidden = text !== "" && tr.textContent.indexOf(text) < 0;
    });
  });
  // a select with data-filter-by="<id>" shows only the <optgroup data-filter> named by that field's value
  // (采购内容清单's 品目 by 采购类别); the server still checks the choice
  function filterOptions(root) {
    root.querySelectorAll("select[data-filter-by]").forEach(function (sel) {
      var by = document.getElementById(sel.dataset.filterBy), value = by ? by.value : "";
      sel.querySelectorAll("optgroup[data-filter]").forEach(function (g) {
        g.hidden = !!value && g.dataset.filter !== value;
      });
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.id && document.querySelector("select[data-filter-by=\"" + CSS.escape(e.target.id) + "\"]")) filterOptions(document);
  });
  document.addEventListener("DOMContentLoaded", function () { filterOptions(document); });
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
})();
