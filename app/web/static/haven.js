/* Haven's one script: progressive enhancement only; every page works without it.
   - A text box with a limit shows a live count of the characters used (the browser's
     maxlength stops typing at the limit, the server checks it again).
   - A button with data-confirm asks before it acts (closing a case, unassigning). */
(function () {
  "use strict";
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var box = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!box || box.maxLength < 1) { return; }
    var template = counter.getAttribute("data-template");
    var update = function () {
      var used = box.value.length;
      counter.textContent = template.replace("{used}", used.toLocaleString())
        .replace("{max}", box.maxLength.toLocaleString());
      counter.classList.toggle("near-limit", used >= box.maxLength * 0.9);
    };
    box.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("form [data-confirm]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter === button && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
