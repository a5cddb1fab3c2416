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
  var more = document.getElementById("search-more");
  var help = document.getElementById("search-help");
  if (!form || !input || !type || !status || !list || !more || !help) return;
  var PAGE = 20; // results shown at a time
  var BATCH = 20; // results read at a time while looking for one type
  var EXCERPT_WORDS = 40;
  var current = null; // the search whose results are on screen
  var DELAY_MS = 300;
  var pagefind = null;
  var timer = null;
  var latest = 0;

  function say(text) {
    status.textContent = text;
  }

  // Pagefind's own excerpt is a window of words around the match, so it starts and ends in the
  // middle of sentences. Ours is the sentence the first match is in (Pagefind's locations are
  // word positions in its content, split at white space), from its start, with every match in
  // it marked, and cut at a word when it runs long. Built as text nodes and <mark>s, so nothing
  // from the index can ever become markup on this page.
  var ENDS_SENTENCE = /[.!?]["'\u201d\u2019)]*$/;
  function excerptNodes(data) {
    var words = (data.content || "").split(/\s+/);
    var marked = {};
    (data.locations || []).forEach(function (at) { marked[at] = true; });
    var first = (data.locations || []).length ? Math.min.apply(null, data.locations) : 0;
    var start = first;
    while (start > 0 && !ENDS_SENTENCE.test(words[start - 1]) && first - start < EXCERPT_WORDS) {
      start -= 1;
    }
    var end = first;
    while (end < words.length - 1 && !ENDS_SENTENCE.test(words[end]) && end - start < EXCERPT_WORDS) {
      end += 1;
    }
    var out = document.createDocumentFragment();
    if (start > 0 && !ENDS_SENTENCE.test(words[start - 1])) out.appendChild(document.createTextNode("\u2026 "));
    for (var i = start; i <= end && i < words.length; i++) {
      if (i > start) out.appendChild(document.createTextNode(" "));
      if (marked[i]) {
        var mark = document.createElement("mark");
        mark.textContent = words[i];
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(words[i]));
      }
    }
    if (end < words.length - 1 && !ENDS_SENTENCE.test(words[end])) out.appendChild(document.createTextNode(" \u2026"));
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
    excerpt.appendChild(excerptNodes(data));
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

  function showNothing() {
    list.replaceChildren();
    list.hidden = true;
    more.hidden = true;
    help.hidden = true;
  }

  async function run() {
    var query = input.value.trim();
    var kind = type.value;
    var ticket = ++latest;
    keepInAddress(query, kind);
    if (!query) {
      showNothing();
      say("");
      return;
    }
    var search = await pagefind.search(query);
    var state = { query: query, kind: kind, results: search.results, start: 0, shown: 0, ticket: ticket };
    var found = await nextPage(state);
    if (ticket !== latest) return; // a newer search has started: its results win
    current = state;
    list.replaceChildren.apply(list, found.map(resultItem));
    list.hidden = found.length === 0;
    help.hidden = found.length !== 0;
    report(state);
  }

  // Every result can be reached: each press of "Show more results" adds the next page below
  // the ones shown and moves the focus to the first new one, so keyboard and screen reader
  // users carry on reading where the new results begin.
  async function showMore() {
    var state = current;
    if (!state) return;
    var found = await nextPage(state);
    if (state !== current) return;
    var items = found.map(resultItem);
    items.forEach(function (item) { list.appendChild(item); });
    report(state);
    var link = items.length && items[0].querySelector("a");
    if (link) link.focus();
  }

  function report(state) {
    var quoted = " for \u201c" + state.query + "\u201d" + typeLabel();
    var left = state.start < state.results.length;
    more.hidden = !left;
    if (state.shown === 0) {
      say("No results" + quoted + ". Some ideas to try are below.");
      return;
    }
    if (state.kind && left) {
      say("The first " + state.shown + " results" + quoted + "; there may be more.");
      return;
    }
    var count = state.kind ? state.shown : state.results.length;
    var counted = count === 1 ? "1 result" : count + " results";
    var showing = count > state.shown ? ", showing the first " + state.shown : "";
    say(counted + quoted + showing + ".");
  }

  // The type is page metadata rather than a Pagefind filter (filters make the index differ
  // between identical builds), so narrowing by type happens here: results are loaded in
  // batches, best first, until a page of the wanted type is full or none are left. state.start
  // is how far through Pagefind's results we have read.
  async function nextPage(state) {
    var page = [];
    while (state.start < state.results.length && page.length < PAGE) {
      var wanted = state.kind ? BATCH : PAGE - page.length;
      var batch = await Promise.all(
        state.results.slice(state.start, state.start + wanted).map(function (r) { return r.data(); })
      );
      for (var i = 0; i < batch.length; i++) {
        state.start += 1;
        var data = batch[i];
        if (!state.kind || (data.meta && data.meta.type === state.kind)) page.push(data);
        if (page.length === PAGE) break;
      }
    }
    state.shown += page.length;
    return page;
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
    more.addEventListener("click", showMore);
    type.addEventListener("change", function () {
      clearTimeout(timer);
      run();
    });
    if (input.value) run();
  }

  start();
})();
