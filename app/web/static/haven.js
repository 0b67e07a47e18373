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
  /* A list of languages ("ro, ru"): the browser's datalist suggests whole values only,
     so each suggestion is offered after what is typed before the last comma. */
  document.querySelectorAll("input[data-picker=languages][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var options = Array.prototype.map.call(list.options, function (o) {
      return [o.value, o.textContent];
    });
    var shown = null;
    input.addEventListener("input", function () {
      var cut = Math.max(input.value.lastIndexOf(","), input.value.lastIndexOf(";"));
      var before = cut < 0 ? "" : input.value.slice(0, cut + 1).replace(/\s*$/, " ");
      if (before === shown) { return; }
      shown = before;
      list.textContent = "";
      options.forEach(function (pair) {
        var option = document.createElement("option");
        option.value = before + pair[0];
        option.textContent = pair[1];
        list.appendChild(option);
      });
    });
  });
  document.querySelectorAll("form [data-confirm]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter === button && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
