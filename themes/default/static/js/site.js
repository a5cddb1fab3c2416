// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".site-nav__toggle");
  var list = document.getElementById("site-nav-list");
  if (!toggle || !list) return;
  var narrow = window.matchMedia("(max-width: 47.99em)");
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", String(open));
    list.setAttribute("data-collapsed", String(!open));
  }
  function sync() {
    toggle.hidden = !narrow.matches;
    setOpen(!narrow.matches);
  }
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
  narrow.addEventListener("change", sync);
  sync();
})();
