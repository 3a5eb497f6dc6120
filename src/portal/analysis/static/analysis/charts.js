// The dashboard's charts: each <canvas data-chart="key"> draws the rows the page also prints
// as a table, from the JSON the page carries (#chart-data). Without JavaScript, or if the
// charting library did not load, the tables stand alone.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colour = getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() || "#1f5f8b";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var series = data[canvas.dataset.chart];
    if (!series || !series.labels.length) {
      return;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: canvas.dataset.label || "", data: series.values, backgroundColor: colour }],
      },
      options: {
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { autoSkip: true } }, y: { beginAtZero: true } },
      },
    });
  });
})();
