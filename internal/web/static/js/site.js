// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    // Focus the error summary so screen readers announce it (DESIGN.md forms).
    var summary = document.getElementById('error-summary');
    if (summary) { summary.focus(); }
    // Links in the error summary move focus to the field, not just scroll.
    document.querySelectorAll('.error-summary a[href^="#"]').forEach(function (a) {
      a.addEventListener('click', function (e) {
        var el = document.getElementById(a.getAttribute('href').slice(1));
        if (el) { e.preventDefault(); el.focus(); }
      });
    });
    // Buttons marked data-once are disabled after a submit, to avoid double posts.
    document.querySelectorAll('form[data-once]').forEach(function (f) {
      f.addEventListener('submit', function () {
        f.querySelectorAll('button[type="submit"]').forEach(function (b) {
          setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
  });
})();
