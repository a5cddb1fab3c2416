// site-builder serve: live reload and the problem panel. Never in a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/__live\/client\.js.*$/, "") : "/";
  var OVERLAY = "site-builder-problems";
  var FOLDED = "site-builder-problems-folded";  // kept in sessionStorage across reloads
  var paddingBefore = null;

  function remembered() {
    try { return window.sessionStorage.getItem(FOLDED) === "1"; } catch (e) { return false; }
  }

  function remember(folded) {
    try { window.sessionStorage.setItem(FOLDED, folded ? "1" : "0"); } catch (e) { /* private */ }
  }

  function count(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // The panel sits at the foot of the window; the page keeps room below its own end for it,
  // so every part of the last good build can still be scrolled into view.
  function makeRoom(box) {
    if (paddingBefore === null) { paddingBefore = document.body.style.paddingBottom; }
    document.body.style.paddingBottom = box.offsetHeight + "px";
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY);
    if (old) { old.remove(); }
    if (paddingBefore !== null) {
      document.body.style.paddingBottom = paddingBefore;
      paddingBefore = null;
    }
  }

  function part(heading, text, colour) {
    var section = document.createElement("div");
    var title = document.createElement("h3");
    title.style.cssText = "margin:1rem 0 .25rem;font-size:1.1rem;color:" + colour + ";";
    title.textContent = heading;
    var report = document.createElement("pre");
    report.style.cssText = "margin:0;white-space:pre-wrap;background:#f3f2f1;color:#1a1a1a;" +
      "padding:.75rem 1rem;border-left:6px solid " + colour + ";" +
      "font:0.95rem/1.5 ui-monospace,monospace;";
    report.textContent = text;
    section.appendChild(title);
    section.appendChild(report);
    return section;
  }

  function showOverlay(status) {
    hideOverlay();
    var errors = status.errors || 0;
    var warnings = status.warnings || 0;
    var box = document.createElement("section");
    box.id = OVERLAY;
    box.setAttribute("aria-labelledby", OVERLAY + "-title");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;" +
      "max-height:50vh;display:flex;flex-direction:column;background:#fff;color:#1a1a1a;" +
      "border-top:6px solid #a4000f;box-shadow:0 -4px 16px rgba(0,0,0,.25);" +
      "font:1rem/1.5 system-ui,sans-serif;text-align:left;";
    var heading = document.createElement("h2");
    heading.id = OVERLAY + "-title";
    heading.style.cssText = "margin:0;font-size:1.25rem;";
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.id = OVERLAY + "-toggle";
    toggle.setAttribute("aria-controls", OVERLAY + "-body");
    toggle.style.cssText = "display:flex;gap:.5rem;align-items:baseline;width:100%;" +
      "margin:0;padding:.6rem 1rem;border:0;background:#fff;color:#a4000f;cursor:pointer;" +
      "font:inherit;font-weight:700;text-align:left;";
    var arrow = document.createElement("span");
    arrow.setAttribute("aria-hidden", "true");
    var label = document.createElement("span");
    label.textContent = "The site did not build: " + count(errors, "error") +
      (warnings ? ", " + count(warnings, "warning") : "");
    var hint = document.createElement("span");
    hint.setAttribute("aria-hidden", "true");  // aria-expanded already says it
    hint.style.cssText = "margin-left:auto;font-weight:400;font-size:.9rem;color:#1a1a1a;";
    toggle.appendChild(arrow);
    toggle.appendChild(label);
    toggle.appendChild(hint);
    heading.appendChild(toggle);
    var body = document.createElement("div");
    body.id = OVERLAY + "-body";
    body.style.cssText = "overflow:auto;padding:0 1rem 1rem;";
    body.tabIndex = 0;  // it scrolls: the keyboard must be able to reach it
    body.setAttribute("role", "group");
    body.setAttribute("aria-labelledby", OVERLAY + "-title");
    var help = document.createElement("p");
    help.style.cssText = "margin:0;";
    help.textContent = "You are looking at the last good build. Fix the file below and " +
      "save it: this panel goes away by itself. Hide it to look at the page.";
    body.appendChild(help);
    if (errors) { body.appendChild(part(count(errors, "error"), status.errors_text, "#a4000f")); }
    if (warnings) {
      body.appendChild(part(count(warnings, "warning"), status.warnings_text, "#6b4e00"));
    }
    if (!errors && !warnings) { body.appendChild(part("Problems", status.text, "#a4000f")); }

    function fold(folded) {
      body.hidden = folded;
      toggle.setAttribute("aria-expanded", folded ? "false" : "true");
      arrow.textContent = folded ? "\u25B8" : "\u25BE";
      hint.textContent = folded ? "Show" : "Hide";
      remember(folded);
      makeRoom(box);
    }
    toggle.addEventListener("click", function () { fold(!body.hidden); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !body.hidden) { fold(true); toggle.focus(); }
    });
    box.appendChild(heading);
    box.appendChild(body);
    // first in the page, so the first Tab reaches it
    document.body.insertBefore(box, document.body.firstChild);
    fold(remembered());
  }

  function refreshStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("live", String(Date.now()));
      links[i].href = url.toString();
    }
  }

  if (!window.EventSource) { return; }
  var source = new EventSource(base + "__live/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("css", refreshStyles);
  source.addEventListener("problems", function (e) { showOverlay(JSON.parse(e.data)); });
  source.addEventListener("ok", hideOverlay);
})();
