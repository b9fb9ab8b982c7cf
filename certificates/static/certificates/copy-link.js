/* "Copy link" buttons for certificate verify links on the dashboard.
   The link is always visible in a read-only field; the button appears only when
   this script runs, and says whether copying worked. */
(function () {
  "use strict";
  if (window.advanceCopyLinkBound) { return; }
  window.advanceCopyLinkBound = true;

  function reveal() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    function say(message) { if (status) { status.textContent = message; } }
    function fallback() {
      field.focus();
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? "Link copied." : "The link is selected: press Ctrl+C (or Cmd+C) to copy it.");
    }
    if (!field) { return; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () {
        say("Link copied.");
      }, fallback);
    } else {
      fallback();
    }
  });
})();
