/* A long list of checkboxes (fieldset[data-checklist]) gets a box that filters it as one
   types: the boxes that do not match are hidden, ticked ones always stay in view, and the
   number shown is announced. Without this script the list works as it is. */
(function () {
  "use strict";
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((text, values) => text.replace("%s", values[0]));

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhance(fieldset, index) {
    const options = Array.from(fieldset.querySelectorAll("input[type=checkbox]"));
    if (options.length < 8) return;
    const id = "checklist-filter-" + index;
    const wrap = document.createElement("div");
    wrap.className = "checklist-filter";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = gettext("Filter the list");
    const input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    const status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.append(label, input, status);
    const legend = fieldset.querySelector("legend");
    (legend ? legend.nextSibling : fieldset.firstChild).before(wrap);

    input.addEventListener("input", () => {
      const wanted = fold(input.value);
      let shown = 0;
      for (const box of options) {
        const row = box.closest("div") || box.parentElement;
        const name = fold(box.parentElement.textContent || "");
        const visible = !wanted || box.checked || name.includes(wanted);
        row.hidden = !visible;
        if (visible) shown += 1;
      }
      status.textContent = wanted ? interpolate(gettext("%s shown"), [shown]) : "";
    });
    // Enter in the filter ticks the only match left instead of sending the form.
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const left = options.filter((box) => !(box.closest("div") || box).hidden);
      if (left.length === 1) {
        left[0].checked = !left[0].checked;
        left[0].focus();
      }
    });
  }

  document.querySelectorAll("fieldset[data-checklist]").forEach(enhance);
})();
