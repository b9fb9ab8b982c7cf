/* Quiz autosave: each answer is saved as it is given, and the time limit shown.
   The quiz works without this file (the Save and Submit buttons post the form). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) return;

  var url = form.getAttribute("data-autosave-url");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var status = document.getElementById("autosave-status");
  var queues = {};
  var latest = 0; // the most recent change: only its "saved" message is shown

  function say(text) {
    if (status) status.textContent = text;
  }

  say("Your answers are saved as you go.");

  function fieldsetData(fieldset) {
    var data = new FormData();
    data.append("question", fieldset.getAttribute("data-question"));
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.disabled || el.type === "hidden") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function save(fieldset, sequence) {
    var number = fieldset.getAttribute("data-number");
    var data = fieldsetData(fieldset);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "", Accept: "application/json" }
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () { return {}; })
          .then(function (body) {
            if (response.ok && typeof body.saved === "boolean") {
              // An earlier answer's confirmation arriving late must not replace
              // the confirmation of the answer just given.
              if (body.saved && sequence === latest) say(body.message || "Saved.");
            } else {
              // An error, or a sign-in page after the session ended.
              say((body.error || "Your answer to question " + number + " could not be saved.") +
                  " Use the Save answers button.");
            }
          });
      })
      .catch(function () {
        say("Your answer to question " + number + " is not saved yet (no connection). " +
            "Use the Save answers button when you are back online.");
      });
  }

  function queueSave(fieldset) {
    var key = fieldset.getAttribute("data-question");
    var sequence = ++latest;
    if (fieldset.querySelector("[aria-invalid=true]")) {
      say("Question " + fieldset.getAttribute("data-number") +
          " is not saved yet: use each position once.");
      return;
    }
    // One request at a time per question, so an older answer never lands last.
    queues[key] = (queues[key] || Promise.resolve()).then(function () {
      return save(fieldset, sequence);
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) queueSave(fieldset);
  });

  // Written answers are saved a moment after the learner stops typing too.
  var typing = {};
  form.addEventListener("input", function (event) {
    if (!event.target.matches("textarea[data-written]")) return;
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) return;
    var key = fieldset.getAttribute("data-question");
    clearTimeout(typing[key]);
    typing[key] = setTimeout(function () { queueSave(fieldset); }, 2000);
  });

  var clock = document.querySelector("[data-deadline]");
  if (clock) {
    var deadline = Date.parse(clock.getAttribute("data-deadline"));
    var original = clock.textContent;
    var warned = {};
    var tick = function () {
      var left = Math.round((deadline - Date.now()) / 60000);
      if (left <= 0) {
        clock.textContent = "Time is up.";
        say("Time is up. Your saved answers are being submitted.");
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "submit";
        form.appendChild(action);
        form.submit();
        return;
      }
      clock.textContent = original + " (about " + left + " minute" + (left === 1 ? "" : "s") + " left)";
      [5, 1].forEach(function (mark) {
        if (left <= mark && !warned[mark]) {
          warned[mark] = true;
          say("About " + left + " minute" + (left === 1 ? "" : "s") + " left.");
        }
      });
      window.setTimeout(tick, 15000);
    };
    tick();
  }
})();


/* Ordering questions: each position once. Says so next to the question as soon as
   two steps share a position (the server refuses it too, with the same words): the
   message is an alert, so a screen reader announces it, and each clashing select is
   described by it. Saving or reviewing with a clash stays on the page and puts focus
   on the first clashing step (error-summary.js leads from a refused page's summary
   to the same step). The steps are shown in a random order per attempt, so
   the message names them in the order the page shows them. */
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-sheet");

  function describedBy(select, id, on) {
    var ids = (select.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (on) ids.push(id);
    if (ids.length) select.setAttribute("aria-describedby", ids.join(" "));
    else select.removeAttribute("aria-describedby");
  }

  // Marks the selects that share a position and says so in the question's message
  // (unless `quiet`: a page the server refused already says it). Returns the first
  // clashing select, or null.
  function check(fieldset, quiet) {
    var selects = fieldset.querySelectorAll("select[data-ordering-position]");
    if (!selects.length) return null;
    var message = fieldset.querySelector("[data-question-error]");
    var byPosition = {};
    selects.forEach(function (select) {
      if (!select.value) return;
      var label = select.labels && select.labels[0];
      (byPosition[select.value] = byPosition[select.value] || []).push(
        "\u201c" + (label ? label.textContent.trim() : select.id) + "\u201d");
    });
    var repeated = Object.keys(byPosition).filter(function (p) {
      return byPosition[p].length > 1;
    }).sort(function (a, b) { return a - b; });
    var first = null;
    selects.forEach(function (select) {
      var clash = repeated.indexOf(select.value) !== -1;
      if (clash) select.setAttribute("aria-invalid", "true");
      else select.removeAttribute("aria-invalid");
      if (message && message.id) describedBy(select, message.id, clash);
      if (clash && !first) first = select;
    });
    if (!message || quiet) return first;
    if (repeated.length) {
      var text = "Use each position once: " + repeated.map(function (p) {
        return "position " + p + " is given to " + byPosition[p].join(" and ");
      }).join("; ") + ". Give each step a different position.";
      if (message.getAttribute("data-said") !== text || message.hidden) {
        message.setAttribute("role", "alert");
        message.textContent = "";
        var prefix = document.createElement("span");
        prefix.className = "visually-hidden";
        prefix.textContent = "Error: ";
        message.appendChild(prefix);
        message.appendChild(document.createTextNode(text));
        message.setAttribute("data-said", text);
      }
      message.hidden = false;
      fieldset.classList.add("quiz-question--error");
    } else {
      message.textContent = "";
      message.removeAttribute("data-said");
      message.hidden = true;
      fieldset.classList.remove("quiz-question--error");
    }
    return first;
  }

  // Capture phase: runs before autosave, which skips a question marked invalid.
  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("select[data-ordering-position]")) return;
    check(event.target.closest("fieldset"));
  }, true);

  if (!form) return;

  // A page the server refused marks every step of the question; only the steps
  // that clash stay marked.
  form.querySelectorAll("fieldset.quiz-question--error").forEach(function (fieldset) {
    check(fieldset, true);
  });

  form.addEventListener("submit", function (event) {
    var first = null;
    form.querySelectorAll("fieldset[data-question]").forEach(function (fieldset) {
      var clash = check(fieldset);
      if (clash && !first) first = clash;
    });
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });
})();
