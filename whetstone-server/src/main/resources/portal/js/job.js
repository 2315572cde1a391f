// One fine-tuning job: status and facts, resolved hyperparameters, the three charts (live while it runs), the
// results.csv download, checkpoints (each deployable) and events. Polls the public API while the job is unfinished.
import {azure, call, content, get} from './api.js';
import {h, fill, details, table, time, badge, number, errorBox} from './dom.js';
import {TERMINAL} from './jobs.js';
import {deployable, phase} from './safety.js';
import {Charts} from './charts.js';
import {chartData, eventRows, mergeRows, parseResultsCsv, stepsPerEpoch} from './metrics.js';

export async function render(main, ctx, id) {
  const page = new JobPage(main, ctx, id);
  ctx.signal.addEventListener('abort', () => page.close());
  await ctx.poll(() => page.refresh(), 1500);
}

class JobPage {
  constructor(main, ctx, id) {
    this.ctx = ctx;
    this.id = id;
    this.csvRows = [];
    this.csvKey = null; // what results.csv was last read for: newest metrics step + status
    this.status = null;
    this.downloadUrl = null;
    this.title = h('h1', {tabindex: -1}, 'Job ', h('code', {}, id));
    this.facts = h('div', {id: 'job-facts'});
    this.hyper = h('div', {id: 'job-hyperparameters'});
    this.safety = h('div', {id: 'job-safety'});
    this.actions = h('div', {class: 'actions', id: 'job-actions'});
    this.download = h('div', {class: 'actions', id: 'results-download'});
    const chartBox = h('div', {class: 'charts', id: 'charts'});
    this.checkpoints = h('div', {id: 'job-checkpoints'});
    this.eventList = h('div', {id: 'job-events'});
    fill(main, this.title,
      h('div', {class: 'columns'},
        h('section', {class: 'card', 'aria-labelledby': 'facts-h'}, h('h2', {id: 'facts-h'}, 'Job'), this.facts),
        h('section', {class: 'card', 'aria-labelledby': 'hyper-h'}, h('h2', {id: 'hyper-h'}, 'Hyperparameters'),
          this.hyper, this.actions),
        h('section', {class: 'card', 'aria-labelledby': 'safety-h'}, h('h2', {id: 'safety-h'}, 'Safety evaluation'),
          this.safety)),
      h('section', {'aria-labelledby': 'charts-h'}, h('h2', {id: 'charts-h'}, 'Training metrics'), this.download,
        chartBox),
      h('section', {'aria-labelledby': 'ckpt-h'}, h('h2', {id: 'ckpt-h'}, 'Checkpoints'), this.checkpoints),
      h('section', {'aria-labelledby': 'events-h'}, h('h2', {id: 'events-h'}, 'Events'), this.eventList));
    this.charts = new Charts(chartBox);
  }

  close() {
    this.charts.destroy();
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
  }

  async refresh() {
    const signal = this.ctx.signal;
    const path = `/fine_tuning/jobs/${encodeURIComponent(this.id)}`;
    const [job, events, checkpoints] = await Promise.all([
      get(azure(path), {signal}),
      get(azure(`${path}/events`, {limit: 1000}), {signal}),
      get(azure(`${path}/checkpoints`, {limit: 100}), {signal}),
    ]);
    // The newest 1000 events, newest first as the API orders them; older metrics are in results.csv.
    await this.readResults(job, events.data);
    this.show(job, events.data, checkpoints.data);
    return !TERMINAL.has(job.status);
  }

  /** Re-reads results.csv only when a new metrics event or a status change says it was rewritten. */
  async readResults(job, events) {
    const fileId = job.result_files?.[0];
    if (!fileId) return;
    const newest = Math.max(0, ...eventRows(events).map(d => d.step));
    const key = `${newest}/${job.status}`;
    if (key === this.csvKey) return;
    try {
      const text = await content(fileId, this.ctx.signal);
      this.csvRows = parseResultsCsv(text);
      this.csvKey = key;
      this.offerDownload(text, fileId);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      fill(this.download, h('p', {class: 'notice'}, `results.csv (${fileId}) could not be read: ${e.message}`));
      this.csvKey = key;
    }
  }

  offerDownload(text, fileId) {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = URL.createObjectURL(new Blob([text], {type: 'text/csv'}));
    fill(this.download, h('a', {href: this.downloadUrl, download: 'results.csv', id: 'results-link'},
      'Download results.csv'), h('small', {class: 'hint'}, ` file ${fileId}, ${this.csvRows.length} steps so far`));
  }

  show(job, events, checkpoints) {
    if (this.status !== null && this.status !== job.status) this.ctx.announce(`Job ${job.id}: ${job.status}.`);
    this.status = job.status;
    this.showFacts(job);
    const rows = mergeRows(eventRows(events), this.csvRows);
    this.charts.update(chartData(rows, stepsPerEpoch(events, job))).catch(e => {
      fill(this.download, errorBox({message: `The charts could not be drawn: ${e.message}`}));
    });
    fill(this.checkpoints, checkpointTable(checkpoints));
    fill(this.eventList, eventTable(events));
  }

  showFacts(job) {
    const model = job.fine_tuned_model;
    fill(this.facts, details([
      ['Status', badge(job.status)],
      ['Base model', job.model],
      ['Fine-tuned model', model ? h('code', {id: 'fine-tuned-model'}, model) : null],
      ['Training file', h('code', {}, job.training_file)],
      ['Validation file', job.validation_file ? h('code', {}, job.validation_file) : 'none'],
      ['Suffix', job.suffix],
      ['Seed', String(job.seed)],
      ['Trained tokens', job.trained_tokens === null ? null : String(job.trained_tokens)],
      ['Created', time(job.created_at)],
      ['Estimated finish', TERMINAL.has(job.status) ? null : time(job.estimated_finish)],
      ['Finished', time(job.finished_at)],
    ]), job.error ? errorBox({message: `${job.error.code}: ${job.error.message}`}) : null);
    const hp = job.hyperparameters ?? {};
    const rl = job.method?.type === 'reinforcement' ? job.method.reinforcement ?? {} : null;
    const shown = v => (v === -1 || v === 'auto' || v === undefined ? 'auto (resolved when training starts)' : String(v));
    fill(this.hyper, details([
      ['Epochs', shown(hp.n_epochs)],
      ['Batch size', shown(hp.batch_size)],
      ['Learning rate multiplier', shown(hp.learning_rate_multiplier)],
      ['Method', methodName(job.method)],
      // Reinforcement jobs: their own hyperparameters and the grader (method.reinforcement, docs/fine-tuning-jobs.md)
      ...(rl ? [
        ['Grader', `${rl.grader?.name ?? ''} (${rl.grader?.type ?? ''})`],
        ['Compute multiplier', shown(rl.hyperparameters?.compute_multiplier)],
        ['Eval interval', shown(rl.hyperparameters?.eval_interval)],
        ['Eval samples', shown(rl.hyperparameters?.eval_samples)],
      ] : []),
    ]));
    const safety = job.safety_evaluation ?? {};
    fill(this.safety, details([
      ['Data evaluation', phase(safety.data, false)],
      ['Model evaluation', phase(safety.model, true)],
    ]));
    fill(this.actions,
      TERMINAL.has(job.status) ? null : h('button', {type: 'button', class: 'danger', id: 'cancel-job',
        onclick: () => this.cancel()}, 'Cancel job'),
      model && job.status === 'succeeded' && deployable(safety.model)
        ? h('a', {href: `#/deployments?model=${encodeURIComponent(model)}`, id: 'deploy-job-model'}, 'Deploy this model') : null);
  }

  async cancel() {
    if (!confirm(`Cancel job ${this.id}?`)) return;
    try {
      await call('POST', azure(`/fine_tuning/jobs/${encodeURIComponent(this.id)}/cancel`), {signal: this.ctx.signal});
      this.ctx.announce('Cancel requested.');
    } catch (e) {
      if (e.name !== 'AbortError') this.ctx.announce(`Cancel failed: ${e.message}`);
    }
  }
}

function checkpointTable(checkpoints) {
  const rows = checkpoints.map(c => h('tr', {'data-checkpoint': c.fine_tuned_model_checkpoint},
    h('td', {}, String(c.step_number)),
    h('td', {}, h('code', {}, c.fine_tuned_model_checkpoint)),
    h('td', {}, Object.entries(c.metrics ?? {}).filter(([k]) => k !== 'step')
      .map(([k, v]) => `${k} ${number(v)}`).join(', ')),
    h('td', {}, time(c.created_at)),
    h('td', {}, h('a', {href: `#/deployments?model=${encodeURIComponent(c.fine_tuned_model_checkpoint)}`,
      'aria-label': `Deploy checkpoint at step ${c.step_number}`}, 'Deploy'))));
  return table('Checkpoints, newest first (one per epoch end; the newest few are kept)',
    ['Step', 'Model', 'Metrics', 'Created', ''], rows, 'No checkpoint yet: one is written at each epoch end.');
}

function eventTable(events) {
  const rows = events.slice(0, 300).map(e => h('tr', {'data-event-type': e.type},
    h('td', {}, time(e.created_at)), h('td', {}, e.level), h('td', {}, e.type), h('td', {}, e.message)));
  return table('Events, newest first', ['Time', 'Level', 'Type', 'Message'], rows, 'No events yet.');
}

function methodName(method) {
  if (method?.type === 'reinforcement') return 'reinforcement (GRPO), LoRA';
  const settings = method?.type === 'dpo' ? method.dpo : method?.supervised;
  const form = settings?.full_finetune ? 'full fine-tuning' : 'LoRA';
  return method?.type === 'dpo' ? `DPO, ${form}` : form;
}
