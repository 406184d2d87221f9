// Portal progressive enhancement: on small screens the filter panel starts closed so
// the results come first. Without JavaScript it stays open and everything works.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    if (!window.matchMedia || window.matchMedia('(min-width: 992px)').matches) { return; }
    document.querySelectorAll('details.filters-panel[open]').forEach(function (d) {
      // Keep it open when filters are active, so the person sees what is applied.
      if (!d.querySelector('input:checked, select option:checked:not([value=""]), input[type="date"]:not([value=""])')) {
        d.removeAttribute('open');
      }
    });
  });
})();
