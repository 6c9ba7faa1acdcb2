// Analysis pages (projections, explanation diff, rating risk): chart kinds of their own, drawn
// from JSON data islands like app.js's (no inline script; the CSP stays strict). Included only by
// the analysis templates.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "sv";
  var numberFormat = new Intl.NumberFormat(lang === "en" ? "en-GB" : "sv-SE", { maximumFractionDigits: 1 });
  var unit = lang === "en" ? " MSEK" : " mnkr";
  var colours = { total: "#005a8c", up: "#1d6b2f", down: "#a4161a", range: "rgba(0, 90, 140, 0.35)", median: "#0b3954", today: "#c4661f" };

  function millions(v) { return numberFormat.format(v / 1e6) + unit; }

  var builders = {
    // {from_label, to_label, before, after, steps: [{label, amount}]} – a waterfall in kronor.
    waterfall: function (d) {
      var labels = [d.from_label], bars = [[0, d.before]], fill = [colours.total], level = d.before;
      d.steps.forEach(function (s) {
        labels.push(s.label);
        bars.push([level, level + s.amount]);
        fill.push(s.amount >= 0 ? colours.up : colours.down);
        level += s.amount;
      });
      labels.push(d.to_label); bars.push([0, d.after]); fill.push(colours.total);
      var low = Math.min.apply(null, bars.slice(1, -1).map(function (b) { return Math.min(b[0], b[1]); }).concat([d.before, d.after]));
      return {
        type: "bar",
        data: { labels: labels, datasets: [{ label: lang === "en" ? "Kronor" : "Kronor", data: bars, backgroundColor: fill }] },
        options: {
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { var r = c.raw; return millions(r[1] - r[0]); } } } },
          // The axis starts near the lowest level, not at zero, so that causes of a few
          // per cent are visible; the from and to bars are cut at the axis.
          scales: { y: { beginAtZero: false, min: Math.max(0, Math.floor(low * 0.97 / 1e6) * 1e6), ticks: { callback: millions } } }
        }
      };
    },
    // {labels, p5, p95, median, today, names: {range, median, today}} – per region, kronor.
    risk: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { type: "bar", label: d.names.range, data: d.labels.map(function (_, i) { return [d.p5[i], d.p95[i]]; }), backgroundColor: colours.range, borderColor: colours.total, borderWidth: 1, order: 3 },
          { type: "line", label: d.names.median, data: d.median, showLine: false, pointStyle: "line", pointRadius: 14, borderWidth: 3, borderColor: colours.median, backgroundColor: colours.median, order: 1 },
          { type: "line", label: d.names.today, data: d.today, showLine: false, pointStyle: "rectRot", pointRadius: 6, borderColor: colours.today, backgroundColor: colours.today, order: 2 }
        ] },
        options: {
          plugins: { tooltip: { callbacks: { label: function (c) { var r = c.raw; return c.dataset.label + ": " + (Array.isArray(r) ? millions(r[0]) + " – " + millions(r[1]) : millions(r)); } } } },
          scales: { y: { ticks: { callback: millions } } }
        }
      };
    }
  };

  function draw(root) {
    if (typeof Chart === "undefined") { return; }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.dataset.chart];
      if (!build || canvas.dataset.drawn) { return; }
      var island = document.getElementById(canvas.dataset.source);
      if (!island) { return; }
      var config = build(JSON.parse(island.textContent));
      config.options = Object.assign({ responsive: true, animation: false, maintainAspectRatio: true }, config.options);
      new Chart(canvas, config);
      canvas.dataset.drawn = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
