// The little JavaScript the pages need; every page works without it.
const PHONE = window.matchMedia("(max-width: 860px)");

// The sidebar is a <details> that is open in the HTML (usable without JavaScript); on a
// phone it folds behind its Menu button, on a wide screen it stays open (its button hidden).
function fitSidebar() {
  document.querySelectorAll("details[data-sidebar]").forEach((menu) => {
    if (PHONE.matches) menu.removeAttribute("open");
    else menu.setAttribute("open", "");
  });
}
fitSidebar();
PHONE.addEventListener("change", fitSidebar);

// A table wider than its box scrolls sideways inside it: the box then takes the keyboard
// focus (arrow keys scroll it) and is named after its table, so every column can be reached.
function fitScrollRegions(root = document) {
  root.querySelectorAll(".table-wrap, .learning-scroll").forEach((box) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (box.dataset.scrolls) return;
      const table = box.querySelector("table");
      const caption = table?.querySelector("caption")?.textContent.trim();
      const labelledBy = table?.getAttribute("aria-labelledby");
      const heading = box.closest("section, .card")?.querySelector("h2, h3")?.textContent.trim();
      const name =
        table?.getAttribute("aria-label") ||
        caption ||
        (labelledBy && document.getElementById(labelledBy)?.textContent.trim()) ||
        heading ||
        "Table";
      box.dataset.scrolls = "true";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${name} (scrolls sideways)`);
    } else if (box.dataset.scrolls) {
      delete box.dataset.scrolls;
      ["tabindex", "role", "aria-label"].forEach((a) => box.removeAttribute(a));
    }
  });
}
// On a phone a list table stacks: each row a block, each cell under its column's name
// (app.css, below 600px). Only tables of plain rows (a header row, cells of data); tables
// with row headers (grids, matrices) keep scrolling sideways. The roles are written out so
// the cells stay a table for screen readers whatever their display.
function stackTables(root = document) {
  root.querySelectorAll(".table-wrap > table:not([data-stack='no'])").forEach((table) => {
    const heads = table.tHead?.rows[0]?.cells;
    const rows = [...table.tBodies].flatMap((body) => [...body.rows]);
    if (!table.dataset.stack) {
      const plain =
        heads &&
        rows.length &&
        !table.tFoot &&
        ![...heads].some((cell) => cell.colSpan > 1) &&
        !rows.some((row) => row.querySelector(":scope > th") || row.cells.length > heads.length);
      table.dataset.stack = plain ? "true" : "no";
      if (!plain) return;
      table.setAttribute("role", "table");
      [table.tHead, ...table.tBodies].forEach((group) => group.setAttribute("role", "rowgroup"));
      [...heads].forEach((cell) => cell.setAttribute("role", "columnheader"));
      table.tHead.rows[0].setAttribute("role", "row");
    }
    // Rows swapped in by htmx arrive bare: name their cells too.
    rows.forEach((row) => {
      if (row.getAttribute("role") === "row") return;
      row.setAttribute("role", "row");
      [...row.cells].forEach((cell, i) => {
        cell.setAttribute("role", "cell");
        if (row.cells.length === heads.length) cell.dataset.label = heads[i].textContent.trim();
      });
    });
  });
}
stackTables();
fitScrollRegions();
window.addEventListener("resize", () => fitScrollRegions());
document.addEventListener("htmx:afterSettle", () => {
  stackTables();
  fitScrollRegions();
});

// Close an open header menu (or the folded sidebar on a phone) with Escape or a click
// elsewhere (keyboard and pointer users).
function closable(menu) {
  return !menu.hasAttribute("data-sidebar") || PHONE.matches;
}
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details[open]").forEach((menu) => {
    if (!closable(menu)) return;
    menu.removeAttribute("open");
    menu.querySelector("summary")?.focus();
  });
});
document.addEventListener("click", (event) => {
  document.querySelectorAll("header details[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
// Submit filter forms as the person types or picks (htmx swaps the results in place).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && !window.htmx) select.form.requestSubmit();
});
