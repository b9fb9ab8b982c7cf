/* Reading time on a lesson: counts the seconds the lesson is open in a visible tab
   while the learner is active (scrolling, typing, clicking or touching in the last
   minute), reports them at most once a minute (and what is left when the page is
   left, by navigator.sendBeacon), and offers "Mark as complete" as soon as the
   course's minimum time is reached. Without this file the lesson still works: the
   button posts the form, and the server counts the time since the page opened. */
(function () {
  "use strict";
  var carrier = document.querySelector("[data-lesson-time]");
  if (!carrier || !window.FormData) return;

  var IDLE_AFTER_MS = 60 * 1000;
  var REPORT_EVERY_MS = 60 * 1000;
  var TICK_MS = 1000;

  var url = carrier.getAttribute("data-lesson-time");
  var token = carrier.getAttribute("data-token");
  var csrf = carrier.getAttribute("data-csrf");
  var recorded = parseInt(carrier.getAttribute("data-seconds") || "0", 10) || 0;
  var required = parseInt(carrier.getAttribute("data-required") || "0", 10) || 0;
  var status = document.querySelector("[data-lesson-time-status]");
  var form = document.querySelector("form[data-lesson-complete]");
  var button = form && form.querySelector("button[type=submit]");
  var wait = document.querySelector("[data-lesson-time-wait]");
  var remainingText = document.querySelector("[data-lesson-time-remaining]");

  var pending = 0; // seconds counted and not yet reported
  var lastActivity = Date.now();
  var lastTick = Date.now();
  var lastReport = Date.now();
  var stopped = false; // the server refused a report: stop until reloaded

  function visible() {
    return document.visibilityState === "visible";
  }

  function active(now) {
    return visible() && now - lastActivity < IDLE_AFTER_MS;
  }

  function onActivity() {
    lastActivity = Date.now();
  }

  ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "input", "focusin"]
    .forEach(function (name) {
      document.addEventListener(name, onActivity, { passive: true, capture: true });
    });
  window.addEventListener("scroll", onActivity, { passive: true });

  function formData(seconds) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("time_token", token);
    data.append("seconds", String(seconds));
    return data;
  }

  function takePending() {
    var whole = Math.floor(pending);
    pending -= whole;
    return whole;
  }

  function report() {
    var seconds = takePending();
    if (!seconds || stopped) return;
    lastReport = Date.now();
    if (!window.fetch) {
      if (navigator.sendBeacon) navigator.sendBeacon(url, formData(seconds));
      return;
    }
    fetch(url, {
      method: "POST",
      body: formData(seconds),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          // A report the server will not take (an old page, signed out): stop
          // counting rather than retrying every minute.
          stopped = response.status === 400 || response.status === 403;
          if (!stopped) pending += seconds;
          return null;
        }
        return response.json().then(function (body) {
          if (body && typeof body.seconds === "number") recorded = body.seconds;
        });
      })
      .catch(function () {
        pending += seconds; // offline: report it with the next one
      });
  }

  function reportOnLeaving() {
    var seconds = takePending();
    if (!seconds || stopped || !navigator.sendBeacon) return;
    lastReport = Date.now();
    navigator.sendBeacon(url, formData(seconds));
  }

  function minutesLeft(seconds) {
    if (seconds < 60) return "less than a minute more";
    var minutes = Math.ceil(seconds / 60);
    return "about " + minutes + " more minute" + (minutes === 1 ? "" : "s");
  }

  function offerButton() {
    if (!button || button.getAttribute("aria-disabled") !== "true") return;
    button.removeAttribute("aria-disabled");
    button.removeAttribute("aria-describedby");
    if (wait) wait.textContent = "You have spent the time this course asks for on this lesson.";
    if (status) status.textContent = "You can now mark this lesson complete.";
  }

  function update() {
    if (!required || !button) return;
    var left = required - recorded - Math.floor(pending);
    if (left <= 0) {
      offerButton();
    } else if (remainingText) {
      var text = minutesLeft(left);
      if (remainingText.textContent !== text) remainingText.textContent = text;
    }
  }

  function tick() {
    var now = Date.now();
    // A throttled or suspended timer must not count the time it slept.
    var delta = Math.min(now - lastTick, 2 * TICK_MS);
    lastTick = now;
    if (active(now)) pending += delta / 1000;
    if (pending >= 1 && now - lastReport >= REPORT_EVERY_MS) report();
    update();
  }

  if (button) {
    button.addEventListener("click", function (event) {
      if (button.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        if (status) status.textContent = "";
        if (status && wait) status.textContent = wait.textContent;
      }
    });
  }
  if (form) {
    form.addEventListener("submit", function () {
      // The seconds not yet reported travel with the form; the server adds them
      // before it checks the minimum.
      var field = form.querySelector("input[name=seconds]");
      if (field) field.value = String(takePending());
      stopped = true; // nothing more to report from this page
    });
  }

  document.addEventListener("visibilitychange", function () {
    // Hidden: report now if a minute has passed since the last report; otherwise
    // the time waits for the next report or for pagehide.
    if (!visible() && Date.now() - lastReport >= REPORT_EVERY_MS) reportOnLeaving();
    if (visible()) {
      lastTick = Date.now();
      onActivity();
    }
  });
  window.addEventListener("pagehide", reportOnLeaving);

  window.setInterval(tick, TICK_MS);
  update();
})();
