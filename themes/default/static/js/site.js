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

// Technician filters: the static pages under /technicians/department/ and /registration/ work
// without JavaScript; with it, the all-technicians page filters in place.
(function () {
  "use strict";
  var form = document.getElementById("technician-filter");
  if (!form) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll(".person-card[data-gallery]"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var status = form.querySelector(".filter-form__status");
  function matches(card, key, value) {
    if (!value) return true;
    if (key === "registration") return card.dataset.registrations.split("|").indexOf(value) >= 0;
    return card.dataset[key] === value;
  }
  function apply() {
    var shown = 0;
    cards.forEach(function (card) {
      var visible = selects.every(function (select) {
        return matches(card, select.dataset.filter, select.value);
      });
      card.hidden = !visible;
      if (visible) shown += 1;
    });
    document.querySelectorAll(".page-technicians section.section").forEach(function (section) {
      section.hidden = !section.querySelector(".person-card:not([hidden])");
    });
    status.textContent = "Showing " + shown + " of " + cards.length + " technicians.";
  }
  selects.forEach(function (select) { select.addEventListener("change", apply); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  // Open on a wide screen, where it takes one row; folded on a phone, so the cards come first.
  var finder = document.getElementById("technician-finder");
  if (finder && window.matchMedia("(min-width: 48em)").matches) finder.open = true;
})();

// Printing: links in the text are followed by their full address (see @media print in site.css),
// except where the words already are the address.
(function () {
  "use strict";
  var TEXT_LINKS = "main .prose a[href], main .summary-list dd a[href], main .evidence-list a[href], main .action__carried a[href]";
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(TEXT_LINKS).forEach(function (link) {
      var web = link.protocol === "http:" || link.protocol === "https:";
      if (web && link.textContent.trim() !== link.href) link.setAttribute("data-print-href", link.href);
    });
  });
})();
