/* Written answers: the word count (and the limit) as the learner types, and a small
   editor for answers in limited rich text (bold, italic, lists). Without this file
   the plain text box works and the server counts the words. */
(function () {
  "use strict";

  function countWords(text) {
    var words = text.replace(/<[^>]*>/g, " ").trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }

  function setUpCount(box, source) {
    var wrap = box.closest(".written-answer");
    var counter = wrap && wrap.querySelector("[data-word-count]");
    if (!counter) return function () {};
    var limit = parseInt(wrap.getAttribute("data-word-limit") || "0", 10);
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    counter.parentNode.insertBefore(live, counter.nextSibling);
    var wasOver = false;
    function update() {
      var words = countWords(source());
      var over = Boolean(limit) && words > limit;
      var text;
      if (limit) {
        text = words + " of " + limit + " words";
        if (over) text += ": " + (words - limit) + " over the limit. Shorten your answer to save it.";
      } else {
        text = words + (words === 1 ? " word" : " words");
      }
      counter.textContent = text;
      wrap.classList.toggle("written-answer--over", over);
      // Screen readers hear the count only when the answer crosses the limit.
      if (over !== wasOver) live.textContent = over ? text : "Back within the word limit.";
      wasOver = over;
    }
    update();
    return update;
  }

  function richEditor(box) {
    var wrap = box.closest(".written-answer");
    var label = wrap.querySelector(".written-answer__label");
    var toolbar = document.createElement("div");
    toolbar.className = "written-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    var editor = document.createElement("div");
    editor.className = "written-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.id = box.id + "-editor";
    if (label) {
      label.id = label.id || box.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
      label.setAttribute("for", editor.id);
    }
    editor.setAttribute("aria-describedby", box.getAttribute("aria-describedby") || "");
    editor.innerHTML = box.value;
    [
      ["bold", "Bold"],
      ["italic", "Italic"],
      ["insertUnorderedList", "Bulleted list"],
      ["insertOrderedList", "Numbered list"]
    ].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary written-toolbar__button";
      button.textContent = pair[1];
      button.addEventListener("click", function () {
        editor.focus();
        document.execCommand(pair[0], false, null);
        sync();
      });
      toolbar.appendChild(button);
    });
    function sync() {
      box.value = editor.innerHTML;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
    editor.addEventListener("input", sync);
    editor.addEventListener("blur", function () {
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    box.hidden = true;
    box.parentNode.insertBefore(toolbar, box);
    box.parentNode.insertBefore(editor, box);
    return function () { return editor.innerHTML; };
  }

  document.querySelectorAll("textarea[data-written]").forEach(function (box) {
    if (box.disabled) return;
    var source = function () { return box.value; };
    if (box.hasAttribute("data-rich") && document.execCommand) source = richEditor(box);
    var update = setUpCount(box, source);
    box.addEventListener("input", update);
  });
})();
