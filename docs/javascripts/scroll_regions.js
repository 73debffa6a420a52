// A table wider than a phone scrolls sideways inside Material's wrapper; a keyboard user can
// reach it with Tab and scroll it with the arrow keys (WCAG 2.1.1). Wrappers that do not
// overflow stay out of the tab order.
(function () {
  "use strict";

  function markScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
      }
    });
  }

  function start() {
    setTimeout(markScrollers, 0);  // after Material has wrapped the tables
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(start);
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
  window.addEventListener("resize", markScrollers);
  document.addEventListener("toggle", markScrollers, true);  // a collapsed block was opened
})();
