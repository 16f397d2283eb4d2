/* Page behaviour for every page, as a file: the Content-Security-Policy (core.csp) allows no
   inline script and no hx-on (htmx evaluates those with eval). Delegated from the document,
   so content swapped in by htmx behaves the same. */
(function () {
  "use strict";
  // An export link takes the address bar's query on click: htmx pushes the current filters
  // there, so the export matches the list on screen (registry/member_list.html).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-keep-query]");
    if (link) link.search = location.search;
  });
  // A form marked data-reset-after-request empties itself once htmx has its answer
  // (training/checkin.html: ready for the next member).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-reset-after-request]");
    if (form) form.reset();
  });
})();
