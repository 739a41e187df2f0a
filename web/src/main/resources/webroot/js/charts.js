// Small live charts with uPlot (webjar). One chart instance per element, updated in place.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';

const charts = new WeakMap();

/** Draws or updates a sparkline of ys over xs (seconds) in el. */
export function sparkline(el, xs, ys, color = '#2b6cb0', height = 48) {
  const data = [xs.slice(), ys.slice()];
  let chart = charts.get(el);
  const width = Math.max(120, Math.floor(el.clientWidth || 160));
  if (!chart) {
    chart = new uPlot({
      width, height,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false },
      scales: { x: { time: true } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: color, width: 2, fill: color + '22', spanGaps: true, points: { show: false } }],
    }, data, el);
    charts.set(el, chart);
  } else {
    if (Math.abs(chart.width - width) > 4) chart.setSize({ width, height });
    chart.setData(data);
  }
  return chart;
}

/** A line chart with axes, for the transparency page. series: [{label, values, color}] */
export function lineChart(el, xs, series, { height = 220, xLabel = 'time', yLabel = '', time = false, yRange } = {}) {
  const old = charts.get(el);
  if (old) old.destroy();
  el.replaceChildren();
  const width = Math.max(280, Math.floor(el.clientWidth || 600));
  const chart = new uPlot({
    width, height,
    scales: { x: { time }, y: yRange ? { range: yRange } : {} },
    axes: [{ label: xLabel }, { label: yLabel }],
    series: [{ label: xLabel }, ...series.map(s => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true, points: { show: true, size: 5 } }))],
  }, [xs, ...series.map(s => s.values)], el);
  charts.set(el, chart);
  return chart;
}
