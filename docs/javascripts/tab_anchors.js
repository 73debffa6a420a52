// Notation tabs: a link to an anchor inside a tab, or to a renamed tab's old id, selects that
// tab and scrolls to it; a reader's stored choice of a renamed tab carries over to its new label.
(function () {
  "use strict";
  // Old label -> new label (hooks/page/course_tabs.py keeps the old ids as anchors).
  var RENAMED = { "Row-major code": "Examples in rows" };

  function labelText(label) {
    return label.textContent.trim();
  }

  // Material stores the labels a reader picked (content.tabs.link), the latest first; rename
  // the old ones and select them in every tab set, as Material's own script does when the page
  // loads for the sets it sees (it passes over sets inside a collapsed block).
  function carryOverStoredChoice() {
    if (typeof __md_get !== "function") return;
    var tabs = __md_get("__tabs");
    if (!Array.isArray(tabs) || !tabs.length) return;
    var renamed = tabs.map(function (t) { return RENAMED[t] || t; });
    renamed = renamed.filter(function (t, i) { return renamed.indexOf(t) === i; });
    if (renamed.join("\n") !== tabs.join("\n")) __md_set("__tabs", renamed);
    document.querySelectorAll(".tabbed-set").forEach(function (set) {
      var labels = Array.prototype.slice.call(set.querySelectorAll(":scope > .tabbed-labels > label"));
      for (var i = 0; i < renamed.length; i++) {
        var label = labels.find(function (l) { return labelText(l) === renamed[i]; });
        if (label) {
          document.getElementById(label.htmlFor).checked = true;
          return;
        }
      }
    });
  }

  // The radio input that shows `el`: the tab an old anchor names, or the tab holding `el`.
  function tabInputFor(el) {
    if (el.dataset && el.dataset.tab) return document.getElementById(el.dataset.tab);
    var block = el.closest(".tabbed-block");
    if (!block) return null;
    var set = block.parentElement.parentElement;
    var index = Array.prototype.indexOf.call(block.parentElement.children, block);
    return set.querySelectorAll(":scope > input")[index] || null;
  }

  function openHashTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || (target.name && target.name.indexOf("__tabbed_") === 0)) return;
    var inputs = [];
    for (var el = target, input; (input = tabInputFor(el)); el = input.parentElement) {
      inputs.unshift(input);  // outermost tab first
    }
    if (!inputs.length) return;
    inputs.forEach(function (input) { if (!input.checked) input.click(); });
    if (target.dataset.tab) {
      history.replaceState(history.state, "", "#" + target.dataset.tab);  // the link to copy
    }
    target.scrollIntoView();
  }

  function start() {
    carryOverStoredChoice();
    // after Material has mounted its tabs, so a selection is stored like a click on the tab
    setTimeout(openHashTarget, 0);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(start);
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
  window.addEventListener("hashchange", openHashTarget);
})();
