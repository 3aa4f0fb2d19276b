// List selection: a header checkbox marked data-select-page="<form id>"
// ticks or clears every listing checkbox (name=id) of that form; it is
// hidden until this script shows it, as without JavaScript it would do
// nothing. Delegated from the document, so pages swapped in by htmx need
// nothing more.
(() => {
  if (window.stocksyncSelection) return;
  window.stocksyncSelection = true;
  const boxes = (all) => {
    const form = document.getElementById(all.dataset.selectPage);
    return form ? [...form.querySelectorAll("input[type=checkbox][name=id]")] : [];
  };
  const show = () => document.querySelectorAll("input[data-select-page]").forEach((all) => { all.hidden = false; });
  document.addEventListener("DOMContentLoaded", show);
  document.addEventListener("htmx:after:swap", show);
  document.addEventListener("change", (e) => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement)) return;
    if (t.dataset.selectPage) {
      boxes(t).forEach((b) => { b.checked = t.checked; });
    } else if (t.name === "id" && t.form) {
      const all = t.form.querySelector("input[data-select-page]");
      if (all) {
        const bs = boxes(all);
        all.checked = bs.length > 0 && bs.every((b) => b.checked);
        all.indeterminate = !all.checked && bs.some((b) => b.checked);
      }
    }
  });
})();
