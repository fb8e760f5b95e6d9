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
    // line tables (core.lines): 新增一行 clones the table's <template> row; 删除 removes a row, keeping one
    var add = e.target.closest(".line-table .add-row");
    if (add) {
      var body = document.getElementById(add.dataset.target).tBodies[0];
      body.append(document.getElementById(add.dataset.template).content.firstElementChild.cloneNode(true));
      return;
    }
    var del = e.target.closest(".line-table .del-row");
    if (del) {
      var rows = del.closest("tbody");
      if (rows.rows.length > 1) del.closest("tr").remove();
      else del.closest("tr").querySelectorAll("input, select").forEach(function (f) { f.value = ""; });
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
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
})();
