// The header: on a phone its links fold into a menu behind one button (aria-expanded); in the manage area
// the sections sit in areas (<details>), which work without this script. This adds: Escape closes what is
// open and gives focus back, one area open at a time on wide screens, a click or focus elsewhere closes it.
(() => {
  const narrow = window.matchMedia("(max-width: 59.99rem)");
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("site-menu");
  const groups = [...document.querySelectorAll(".nav-group")];
  const isOpen = () => toggle && toggle.getAttribute("aria-expanded") === "true";

  const closeGroups = (except) => groups.forEach((group) => { if (group !== except) group.open = false; });

  const setMenu = (open) => {
    if (!toggle || !menu) return;
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
    if (open) {
      const current = groups.find((group) => group.classList.contains("is-current"));
      if (current) current.open = true;
    }
  };

  if (toggle && menu) {
    toggle.addEventListener("click", () => setMenu(!isOpen()));
    narrow.addEventListener("change", () => { setMenu(false); closeGroups(); });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const group = groups.find((candidate) => candidate.open && candidate.contains(document.activeElement));
    if (group && !narrow.matches) {
      group.open = false;
      group.querySelector("summary").focus();
    } else if (isOpen()) {
      setMenu(false);
      toggle.focus();
    } else if (!narrow.matches) {
      closeGroups();
    }
  });

  groups.forEach((group) => {
    group.addEventListener("toggle", () => { if (group.open && !narrow.matches) closeGroups(group); });
    group.addEventListener("focusout", (event) => {
      // no relatedTarget (a click on the page): the click handler below decides
      if (!narrow.matches && event.relatedTarget && !group.contains(event.relatedTarget)) group.open = false;
    });
  });

  document.addEventListener("click", (event) => {
    if (!narrow.matches && !event.target.closest(".nav-group")) closeGroups();
  });
})();

// Controls that act at once without an inline handler (the Content-Security-Policy allows no inline script):
// a <select data-submit-on-change> sends its form when its value changes; a button with data-reload reloads the page.
document.addEventListener("change", (event) => {
  const select = event.target.closest && event.target.closest("select[data-submit-on-change]");
  if (select && select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-reload]")) window.location.reload();
});
