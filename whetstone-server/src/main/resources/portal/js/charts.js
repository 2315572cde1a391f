// The job page's charts (three; DPO jobs add reward accuracy and margin, reinforcement jobs mean reward, KL and
// answer length), drawn with uPlot from its webjar (loaded on first use). Each chart shows training
// and validation together and marks the full-validation points at epoch ends; a text summary under each chart
// gives the same numbers to screen readers.
import {h, number} from './dom.js';

/** Served by the server from the org.webjars.npm:uplot jar; the version is the pom's uplot.version. */
const UPLOT = '/webjars/uplot/1.6.30/dist';
const HEIGHT = 230;
let uPlotModule = null;

function loadUPlot() {
  if (!uPlotModule) {
    document.head.append(h('link', {rel: 'stylesheet', href: `${UPLOT}/uPlot.min.css`}));
    uPlotModule = import(`${UPLOT}/uPlot.esm.js`).then(m => m.default);
  }
  return uPlotModule;
}

const CHARTS = [
  {key: 'loss', title: 'Loss', axis: 'loss'},
  {key: 'meanTokenAccuracy', title: 'Mean token accuracy', axis: 'accuracy'},
  {key: 'tokenAccuracy', title: 'Token accuracy (epoch to date)', axis: 'accuracy'},
  // DPO jobs only: drawn once chartData() has them
  {key: 'rewardAccuracy', title: 'Reward accuracy (DPO)', axis: 'accuracy', optional: true},
  {key: 'rewardMargin', title: 'Reward margin (DPO)', axis: 'margin', optional: true},
  // Reinforcement jobs only; graders' rewards need not lie in 0–1 (score_model ranges, python, multi formulas)
  {key: 'rewardMean', title: 'Mean reward (reinforcement)', axis: 'reward', optional: true},
  {key: 'kl', title: 'KL to the reference (reinforcement)', axis: 'KL', optional: true},
  {key: 'answerLength', title: 'Answer length (reinforcement)', axis: 'tokens', optional: true},
];
const SERIES = [
  {label: 'Training', stroke: '#1f77b4', attr: 'data-train-points'},
  {label: 'Validation', stroke: '#d95f02', attr: 'data-valid-points'},
  {label: 'Full validation (epoch end)', stroke: '#1b7837', attr: 'data-full-valid-points'},
];

export class Charts {
  constructor(container) {
    this.plots = new Map();
    this.figures = new Map();
    this.container = container;
    for (const c of CHARTS) if (!c.optional) this.addFigure(c);
    this.onResize = () => this.resize();
    window.addEventListener('resize', this.onResize);
  }

  addFigure(c) {
    const plot = h('div', {class: 'plot', role: 'img', 'aria-label': `${c.title} chart: no data yet`});
    const summary = h('p', {class: 'summary'}, 'Waiting for the first metrics…');
    const figure = h('figure', {class: 'chart', 'data-chart': c.key},
      h('figcaption', {}, c.title), plot, summary);
    this.figures.set(c.key, {figure, plot, summary, chart: c});
    this.container.append(figure);
  }

  /** Draws (or redraws) all three from chartData()'s result; calls run one after the other, never interleaved. */
  update(data) {
    this.queue = (this.queue ?? Promise.resolve()).catch(() => {}).then(() => this.draw(data));
    return this.queue;
  }

  async draw(data) {
    const uPlot = await loadUPlot();
    if (this.closed) return;
    for (const c of CHARTS) if (c.optional && data[c.key] && !this.figures.has(c.key)) this.addFigure(c);
    for (const [key, f] of this.figures) {
      const columns = data[key];
      this.describe(f, columns);
      const existing = this.plots.get(key);
      if (existing) existing.setData(columns);
      else this.plots.set(key, new uPlot(options(f), columns, f.plot));
    }
  }

  describe(f, columns) {
    const [steps, ...series] = columns;
    SERIES.forEach((s, i) => f.figure.setAttribute(s.attr, String(series[i].filter(v => v !== null).length)));
    if (steps.length === 0) return;
    const last = series.map(values => [...values].reverse().find(v => v !== null) ?? null);
    const text = `Step ${steps[steps.length - 1]}: ` + SERIES.map((s, i) => `${s.label.toLowerCase()} ${number(last[i])}`)
      .join(', ') + '.';
    f.summary.textContent = text;
    f.plot.setAttribute('aria-label', `${f.chart.title} chart. ${text}`);
  }

  resize() {
    for (const [key, u] of this.plots) u.setSize({width: width(this.figures.get(key).plot), height: HEIGHT});
  }

  destroy() {
    this.closed = true;
    window.removeEventListener('resize', this.onResize);
    for (const u of this.plots.values()) u.destroy();
    this.plots.clear();
  }
}

function width(el) {
  return Math.max(280, el.clientWidth || 360);
}

function options(f) {
  return {
    width: width(f.plot),
    height: HEIGHT,
    // Accuracies are fractions: a fixed 0–1 axis keeps the three charts comparable and still while values arrive.
    scales: {x: {time: false}, y: f.chart.axis === 'accuracy' ? {range: [0, 1]} : {}},
    legend: {live: false},
    axes: [{label: 'Step'}, {label: f.chart.axis}],
    series: [
      {label: 'Step'},
      {label: SERIES[0].label, stroke: SERIES[0].stroke, width: 2, spanGaps: true},
      // Validation batches come every few steps: points mark them, a dashed line joins them.
      {label: SERIES[1].label, stroke: SERIES[1].stroke, width: 2, spanGaps: true, dash: [6, 4],
        points: {show: true, size: 6, fill: SERIES[1].stroke}},
      // Points only: one ring per epoch end, no line between them; a ring leaves a validation dot beneath visible.
      {label: SERIES[2].label, stroke: SERIES[2].stroke, paths: () => null,
        points: {show: true, size: 13, width: 3, fill: 'rgba(255,255,255,0)', stroke: SERIES[2].stroke}},
    ],
  };
}
