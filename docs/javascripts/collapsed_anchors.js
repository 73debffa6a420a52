// Collapsed blocks (pymdownx.details, `???`): a link to an anchor inside one, the page's own hash
// when it opens, or a click on a link within the page, opens every enclosing <details> and
// scrolls to the anchor. Works from file:// and without Material's instant loading.
(function () {
  "use strict";

  function targetOf(hash) {
    var id = hash && decodeURIComponent(hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  // Open every closed <details> around `el`, outermost last; true when `el` sits in one.
  function openEnclosingBlocks(el) {
    var inside = false;
    for (var block = el.parentElement && el.parentElement.closest("details"); block;
         block = block.parentElement && block.parentElement.closest("details")) {
      if (!block.open) block.open = true;
      inside = true;
    }
    return inside;
  }

  // Scroll to the anchor, below the fixed header.
  function scrollTo(target) {
    target.scrollIntoView();
    var header = document.querySelector(".md-header");
    var covered = header ? header.getBoundingClientRect().bottom - target.getBoundingClientRect().top : 0;
    if (covered > 0) window.scrollBy(0, -covered - 8);
  }

  // After the other scripts (Material's, tab_anchors.js) have done their part, land on the anchor.
  function reveal(target) {
    if (target && openEnclosingBlocks(target)) {
      setTimeout(function () { scrollTo(target); }, 0);
    }
  }

  function onHash() {
    reveal(targetOf(location.hash));
  }

  // A click on a link to this page: open the blocks before the browser scrolls, and scroll
  // ourselves when the hash does not change (no hashchange follows).
  function onClick(event) {
    var link = event.target.closest && event.target.closest("a[href*='#']");
    if (!link || link.origin !== location.origin || link.pathname !== location.pathname) return;
    var target = targetOf(link.hash);
    if (target && link.hash === location.hash) reveal(target);
    else if (target) openEnclosingBlocks(target);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(onHash);
  } else {
    document.addEventListener("DOMContentLoaded", onHash);
  }
  window.addEventListener("hashchange", onHash);
  document.addEventListener("click", onClick, true);
})();
