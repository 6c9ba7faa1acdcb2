// Charts drawn from JSON data islands (no inline script, so the CSP stays strict).
(function () {
  "use strict";
  var palette = ["#005a8c", "#c4661f", "#1d6b2f", "#8e3b8e", "#a4161a", "#4a5360", "#b08d00", "#00838f"];
  var lang = document.documentElement.lang || "sv";
  var numberFormat = new Intl.NumberFormat(lang === "en" ? "en-GB" : "sv-SE");

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var builders = {
    // {years: [...], education: [...], research: [...]} – kronor per year.
    appropriations: function (d) {
      return {
        type: "bar",
        data: { labels: d.years, datasets: [
          { label: lang === "en" ? "Education (GU-ALF)" : "Utbildning (GU-ALF)", data: d.education, backgroundColor: palette[1] },
          { label: lang === "en" ? "Research (FO-ALF)" : "Forskning (FO-ALF)", data: d.research, backgroundColor: palette[0] }
        ] },
        options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: function (v) { return numberFormat.format(v / 1e6) + (lang === "en" ? " MSEK" : " mnkr"); } } } } }
      };
    },
    // {years: [...], ratios: {CODE: [ratio|null, ...]}} – actual / planned students.
    ratio: function (d) {
      var codes = Object.keys(d.ratios);
      return {
        type: "line",
        data: { labels: d.years, datasets: codes.map(function (code, i) {
          return { label: code, data: d.ratios[code].map(function (v) { return v === null ? null : Number(v) * 100; }), borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true };
        }) },
        options: { scales: { y: { ticks: { callback: function (v) { return numberFormat.format(v) + " %"; } } } } }
      };
    },
    // {labels: [...], datasets: [{label, data}]} – any series; amounts in kronor.
    series: function (d) {
      return {
        type: d.type || "bar",
        data: { labels: d.labels, datasets: d.datasets.map(function (s, i) {
          return Object.assign({ borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length] }, s);
        }) },
        options: { scales: { x: { stacked: !!d.stacked }, y: { stacked: !!d.stacked } } }
      };
    }
  };

  function draw(root) {
    if (typeof Chart === "undefined") { return; }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var data = read(canvas.dataset.source);
      var build = builders[canvas.dataset.chart];
      if (!data || !build) { return; }
      var config = build(data);
      config.options = Object.assign({ responsive: true, animation: false, maintainAspectRatio: true }, config.options);
      new Chart(canvas, config);
      canvas.dataset.drawn = "1";
    });
  }

  // A table wider than the screen scrolls inside its wrapper; keyboard users must reach it.
  function focusableScrollers(root) {
    (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) { return; }
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
    });
  }

  function enhance(root) { draw(root); focusableScrollers(root); }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
})();

// Allocations: "money" charts – any series (bar or line) with amounts in kronor on the y axis,
// shown in millions. Drawn here (the builders above are private to their closure).
(function () {
  "use strict";
  var palette = ["#005a8c", "#c4661f", "#1d6b2f", "#8e3b8e", "#a4161a", "#4a5360", "#b08d00", "#00838f"];
  var lang = document.documentElement.lang || "sv";
  var numberFormat = new Intl.NumberFormat(lang === "en" ? "en-GB" : "sv-SE", { maximumFractionDigits: 1 });
  var unit = lang === "en" ? " MSEK" : " mnkr";

  function drawMoney(root) {
    if (typeof Chart === "undefined") { return; }
    (root || document).querySelectorAll("canvas[data-chart='money']").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var island = document.getElementById(canvas.dataset.source);
      if (!island) { return; }
      var d = JSON.parse(island.textContent);
      new Chart(canvas, {
        type: d.type || "bar",
        data: { labels: d.labels, datasets: d.datasets.map(function (s, i) {
          return Object.assign({ borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true }, s);
        }) },
        options: {
          responsive: true, animation: false, maintainAspectRatio: true,
          scales: { x: { stacked: !!d.stacked }, y: { stacked: !!d.stacked, ticks: { callback: function (v) { return numberFormat.format(v / 1e6) + unit; } } } },
          plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + numberFormat.format(c.parsed.y / 1e6) + unit; } } } }
        }
      });
      canvas.dataset.drawn = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawMoney(document); });
  document.addEventListener("htmx:afterSettle", function () { drawMoney(document); });
})();
