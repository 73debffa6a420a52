/* "Copy as a forum reply": copies the reply the build wrote into the button's data-reply.
   Works offline and from file://: the Clipboard API where the page may use it, else a
   selected textarea and execCommand("copy"), else the text is shown selected for Ctrl+C. */
(function () {
  "use strict";

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied;
  }

  function showForManualCopy(button, text) {
    var box = button.parentNode.querySelector(".forum-reply__text");
    if (!box) {
      box = document.createElement("textarea");
      box.className = "forum-reply__text";
      box.setAttribute("readonly", "");
      box.setAttribute("aria-label", "Forum reply (Markdown)");
      box.rows = text.split("\n").length + 1;
      button.parentNode.appendChild(box);
    }
    box.value = text;
    box.focus();
    box.select();
  }

  function report(button, message) {
    var status = button.parentNode.querySelector(".forum-reply__status");
    if (status) status.textContent = message;
    button.classList.add("forum-reply__copy--done");
    window.setTimeout(function () {
      button.classList.remove("forum-reply__copy--done");
      if (status) status.textContent = "";
    }, 4000);
  }

  function copyReply(button) {
    var text = button.getAttribute("data-reply");
    var fallback = function () {
      if (copyWithSelection(text)) {
        report(button, "Copied: paste it into your reply.");
      } else {
        showForManualCopy(button, text);
        report(button, "Press Ctrl+C (or ⌘C) to copy the selected reply.");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        report(button, "Copied: paste it into your reply.");
      }, fallback);
    } else {
      fallback();
    }
  }

  function setUp() {
    var buttons = document.querySelectorAll(".forum-reply__copy");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".forum-reply__copy");
    if (button) copyReply(button);
  });
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp); // Material's page-load signal (also with instant loading)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
