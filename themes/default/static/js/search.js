// Site search on /search/: our own form and result list, searched with Pagefind's JavaScript API.
// The form stays hidden until the index has loaded, so without JavaScript (or without the index)
// nobody is offered a search that cannot work. Results are announced through a status region;
// the query is kept in the address (?q=...&type=...) so a search can be bookmarked or shared.
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  var input = document.getElementById("search-query");
  var type = document.getElementById("search-type");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !type || !status || !list) return;
  var MAX_RESULTS = 20;
  var BATCH = 20;
  var DELAY_MS = 300;
  var pagefind = null;
  var timer = null;
  var latest = 0;

  function say(text) {
    status.textContent = text;
  }

  // Pagefind's excerpt is HTML whose only markup is <mark>. Copy just the text and the <mark>s
  // into new nodes, so nothing else from the index can ever become markup on this page.
  function excerptNodes(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = document.createDocumentFragment();
    template.content.childNodes.forEach(function (node) {
      if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return out;
  }

  function resultItem(data) {
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "search-result__title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var kind = data.meta && data.meta.type;
    if (kind) {
      var label = document.createElement("p");
      label.className = "search-result__type";
      label.textContent = kind;
      item.appendChild(label);
    }
    var excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.appendChild(excerptNodes(data.excerpt || ""));
    item.appendChild(excerpt);
    return item;
  }

  function keepInAddress(query, kind) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kind) params.set("type", kind);
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function typeLabel() {
    return type.value ? " in " + type.options[type.selectedIndex].text.toLowerCase() : "";
  }

  async function run() {
    var query = input.value.trim();
    var kind = type.value;
    var ticket = ++latest;
    keepInAddress(query, kind);
    if (!query) {
      list.replaceChildren();
      list.hidden = true;
      say("");
      return;
    }
    var search = await pagefind.search(query);
    var found = await firstResults(search.results, kind);
    if (ticket !== latest) return; // a newer search has started: its results win
    list.replaceChildren.apply(list, found.shown.map(resultItem));
    list.hidden = found.shown.length === 0;
    var quoted = " for \u201c" + query + "\u201d" + typeLabel();
    if (found.total === null) {
      say("The first " + found.shown.length + " results" + quoted + "; add a word to narrow it.");
      return;
    }
    var count = found.total;
    var counted = count === 0 ? "No results" : count === 1 ? "1 result" : count + " results";
    var more = count > found.shown.length ? ", showing the first " + found.shown.length : "";
    say(counted + quoted + more + ".");
  }

  // The type is page metadata rather than a Pagefind filter (filters make the index differ
  // between identical builds), so narrowing by type happens here: results are loaded in
  // batches, best first, until a page of the wanted type is full or none are left. The total
  // is null when some results were never loaded, so the count is not known.
  async function firstResults(results, kind) {
    if (!kind) {
      var first = await Promise.all(
        results.slice(0, MAX_RESULTS).map(function (r) { return r.data(); })
      );
      return { shown: first, total: results.length };
    }
    var shown = [];
    var start = 0;
    while (start < results.length && shown.length < MAX_RESULTS) {
      var batch = await Promise.all(
        results.slice(start, start + BATCH).map(function (r) { return r.data(); })
      );
      start += BATCH;
      batch.forEach(function (data) {
        if (data.meta && data.meta.type === kind) shown.push(data);
      });
    }
    if (shown.length > MAX_RESULTS || (shown.length === MAX_RESULTS && start < results.length)) {
      return { shown: shown.slice(0, MAX_RESULTS), total: null };
    }
    return { shown: shown, total: shown.length };
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(run, DELAY_MS);
  }

  async function start() {
    try {
      pagefind = await import(form.getAttribute("data-pagefind"));
      await pagefind.options({ baseUrl: form.getAttribute("data-base") || "/" });
      await pagefind.init();
    } catch (error) {
      say("Search is not available just now. Please use the menu to find pages.");
      return;
    }
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var wanted = params.get("type") || "";
    type.value = Array.prototype.some.call(type.options, function (o) { return o.value === wanted; })
      ? wanted : "";
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      run();
    });
    input.addEventListener("input", soon);
    type.addEventListener("change", function () {
      clearTimeout(timer);
      run();
    });
    if (input.value) run();
  }

  start();
})();
