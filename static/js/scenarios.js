// Scenario explorer: after the server swaps in the error texts (htmx out-of-band), mark the
// inputs they describe as invalid or valid again, so assistive technology hears it too.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("#scenario-form [aria-describedby]").forEach(function (input) {
      var slot = document.getElementById(input.getAttribute("aria-describedby"));
      if (!slot) { return; }
      if (slot.textContent.trim()) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
  }
  document.addEventListener("htmx:afterSettle", mark);
})();
