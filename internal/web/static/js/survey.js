// Survey progressive enhancement: questions whose condition depends on an answer on the
// same page are shown or hidden at once; without JavaScript they stay visible with the
// condition written under their label, and the server drops answers to hidden ones.
// A submit button marked data-once is disabled after the first click (double submit).
(function () {
  "use strict";
  function answers(form, key) {
    var out = [];
    var els = form.querySelectorAll('[name="q.' + key + '"]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.value !== "") out.push(el.value);
    }
    return out;
  }
  function holds(form, cond) {
    var any = false, all = true;
    for (var i = 0; i < cond.conditions.length; i++) {
      var c = cond.conditions[i];
      var wrap = document.getElementById("wrap-" + c.question);
      var vals = answers(form, c.question);
      var ok = (!wrap || !wrap.hidden) && vals.indexOf(String(c.equals)) >= 0;
      // A question on an earlier page has no input here: the server already decided.
      if (!wrap) ok = true;
      any = any || ok; all = all && ok;
    }
    return cond.op === "or" ? any : all;
  }
  function update(form) {
    var items = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < items.length; i++) {
      var cond;
      try { cond = JSON.parse(items[i].getAttribute("data-show-if")); } catch (e) { continue; }
      items[i].hidden = !holds(form, cond);
      var hint = items[i].querySelector(".survey-cond");
      if (hint) hint.hidden = true;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.survey-form");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        if (!form.querySelector("[data-show-if]") || form.classList.contains("survey-entry")) return;
        update(form);
        form.addEventListener("change", function () { update(form); });
      })(forms[i]);
    }
    var once = document.querySelectorAll("button[data-once]");
    for (var j = 0; j < once.length; j++) {
      once[j].form.addEventListener("submit", function (e) {
        var b = e.target.querySelector("button[data-once]");
        if (b.getAttribute("aria-disabled") === "true") { e.preventDefault(); return; }
        b.setAttribute("aria-disabled", "true");
      });
    }
  });
})();
