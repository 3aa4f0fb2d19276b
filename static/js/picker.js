// Item picker keyboard: in a search input marked data-picker="<form id>",
// the arrow keys move through the results (radio buttons in that form) and
// Enter submits the form with the highlighted one. Delegated from the
// document, so results swapped in by htmx need nothing more.
(() => {
  if (window.stocksyncPicker) return;
  window.stocksyncPicker = true;
  document.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.picker) return;
    const form = document.getElementById(input.dataset.picker);
    if (!form) return;
    const radios = [...form.querySelectorAll('input[type=radio][name=item_id]')];
    const at = radios.findIndex((r) => r.checked);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (radios.length === 0) return;
      e.preventDefault();
      const next = e.key === "ArrowDown" ? Math.min(at + 1, radios.length - 1) : Math.max(at - 1, 0);
      radios.forEach((r, i) => r.closest("label")?.classList.toggle("active", i === next));
      radios[next].checked = true;
      input.setAttribute("aria-activedescendant", radios[next].id || "");
      radios[next].closest("label")?.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && at >= 0) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
})();
