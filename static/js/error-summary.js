/* A page that refused a form opens with focus on its summary of problems, so a
   keyboard or screen-reader user starts there; each link in it then puts focus on
   the field it names. Without this file the summary is still first in the page. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex]");
  if (!summary) return;
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) return;
      // A question's link leads to its first problem, or else its first control.
      if (target.matches("fieldset")) {
        target = target.querySelector("[aria-invalid=true]") ||
          target.querySelector("input:not([type=hidden]), select, textarea, [contenteditable=true]") ||
          target;
      }
      if (target.disabled || target.hidden) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  });
  summary.focus();
})();
