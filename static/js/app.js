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
    // 审核不通过 needs an opinion: say so beside the field instead of submitting
    var reject = e.target.closest("[data-require-opinion]");
    if (reject && reject.form && reject.form.opinion && !reject.form.opinion.value.trim()) {
      e.preventDefault();
      var msg = document.getElementById(reject.dataset.requireOpinion);
      if (msg) msg.hidden = false;
      reject.form.opinion.focus();
    }
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
