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
   two steps share a position (the server refuses it too, with the same words). */
(function () {
  "use strict";
  function check(fieldset) {
    var selects = fieldset.querySelectorAll("select[data-ordering-position]");
    if (!selects.length) return;
    var message = fieldset.querySelector("[data-question-error]");
    var byPosition = {};
    selects.forEach(function (select) {
      if (!select.value) return;
      var label = fieldset.querySelector("label[for='" + select.id + "']");
      (byPosition[select.value] = byPosition[select.value] || []).push(
        "\u201c" + (label ? label.textContent.trim() : select.id) + "\u201d");
    });
    var repeated = Object.keys(byPosition).filter(function (p) {
      return byPosition[p].length > 1;
    }).sort(function (a, b) { return a - b; });
    selects.forEach(function (select) {
      var clash = repeated.indexOf(select.value) !== -1;
      if (clash) select.setAttribute("aria-invalid", "true");
      else select.removeAttribute("aria-invalid");
    });
    if (!message) return;
    if (repeated.length) {
      message.textContent = "Use each position once: " + repeated.map(function (p) {
        return "position " + p + " is given to " + byPosition[p].join(" and ");
      }).join("; ") + ". Give each step a different position.";
      message.hidden = false;
      fieldset.classList.add("quiz-question--error");
    } else {
      message.textContent = "";
      message.hidden = true;
      fieldset.classList.remove("quiz-question--error");
    }
  }
  // Capture phase: runs before autosave, which skips a question marked invalid.
  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("select[data-ordering-position]")) return;
    check(event.target.closest("fieldset"));
  }, true);
})();
