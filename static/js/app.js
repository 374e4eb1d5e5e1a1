// The little JavaScript the pages need; every page works without it.
// Close an open header menu with Escape or a click elsewhere (keyboard and pointer users).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details[open]").forEach((menu) => {
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
