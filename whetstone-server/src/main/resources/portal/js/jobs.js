// Fine-tuning jobs: the create form (base model, files, suffix, seed, hyperparameters) and the list with status.
import {azure, call, get} from './api.js';
import {h, fill, field, table, time, badge, errorBox} from './dom.js';

export const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function render(main, ctx) {
  const [models, files] = await Promise.all([
    get(azure('/models'), {signal: ctx.signal}),
    get(azure('/files', {purpose: 'fine-tune'}), {signal: ctx.signal}),
  ]);
  const listArea = h('div', {id: 'job-list'});
  const refresh = async () => {
    const list = await get(azure('/fine_tuning/jobs', {limit: 50}), {signal: ctx.signal});
    fill(listArea, jobsTable(list.data));
    return list.data.some(j => !TERMINAL.has(j.status));
  };
  fill(main,
    h('h1', {tabindex: -1}, 'Fine-tuning jobs'),
    createForm(models.data, files.data, ctx),
    h('h2', {}, 'Jobs'),
    listArea);
  await ctx.poll(refresh, 2000);
}

function jobsTable(jobs) {
  const rows = jobs.map(j => h('tr', {'data-job-id': j.id},
    h('td', {}, h('a', {href: `#/jobs/${j.id}`}, j.id)),
    h('td', {}, j.model),
    h('td', {}, badge(j.status)),
    h('td', {}, j.fine_tuned_model ? h('code', {}, j.fine_tuned_model) : ''),
    h('td', {}, time(j.created_at)),
    h('td', {}, time(j.finished_at))));
  return table('Jobs, newest first', ['Job', 'Model', 'Status', 'Fine-tuned model', 'Created', 'Finished'], rows,
    'No jobs yet. Create one above.');
}

function select(id, options, placeholder) {
  return h('select', {id, name: id, required: !placeholder},
    placeholder ? h('option', {value: ''}, placeholder) : null,
    options);
}

function modelOptions(models) {
  const trainable = models.filter(m => m.capabilities?.fine_tune);
  const base = trainable.filter(m => !m.fine_tune);
  const tuned = trainable.filter(m => m.fine_tune);
  const opt = m => h('option', {value: m.id}, m.capabilities?.chat_completion ? `${m.id} (chat)` : `${m.id} (completion)`);
  return [h('optgroup', {label: 'Base models'}, base.map(opt)),
    tuned.length ? h('optgroup', {label: 'Fine-tuned models (continuous fine-tuning)'}, tuned.map(opt)) : null];
}

function fileOptions(files) {
  return files.filter(f => f.status === 'processed')
    .map(f => h('option', {value: f.id}, `${f.filename} · ${f.id}${f.statistics ? ` · ${f.statistics.examples} examples` : ''}`));
}

function createForm(models, files, ctx) {
  const message = h('div', {id: 'create-message'});
  const number = (id, attrs) => h('input', {id, name: id, type: 'number', placeholder: 'auto', ...attrs});
  const form = h('form', {class: 'card', id: 'create-job', novalidate: false},
    h('h2', {}, 'Create a job'),
    h('div', {class: 'grid'},
      field('Base model', select('job-model', modelOptions(models))),
      field('Training file', select('job-training-file', fileOptions(files)),
        files.some(f => f.status === 'processed') ? null : 'No validated file yet: upload one on the Files page.'),
      field('Validation file', select('job-validation-file', fileOptions(files), 'None')),
      field('Suffix', h('input', {id: 'job-suffix', name: 'suffix', maxlength: 40, pattern: '[A-Za-z0-9_\\-]*'}),
        'Up to 40 letters, digits, _ or -; ends the model name.'),
      field('Seed', number('job-seed', {min: 0, max: 2147483647, step: 1, placeholder: 'random'})),
      field('Epochs', number('job-epochs', {min: 1, max: 50, step: 1})),
      field('Batch size', number('job-batch-size', {min: 1, max: 256, step: 1})),
      field('Learning rate multiplier', number('job-lrm', {min: 0, step: 'any'}))),
    h('div', {class: 'check'}, h('input', {id: 'job-full', type: 'checkbox'}),
      h('label', {for: 'job-full'}, 'Full fine-tuning (all weights) instead of LoRA')),
    message,
    h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'create-job-button'}, 'Start fine-tuning')));
  form.addEventListener('submit', e => submit(e, form, message, ctx));
  return form;
}

/** The form as the API's create body: empty fields are left out (the service's "auto"). */
function body(form) {
  const v = id => form.querySelector('#' + id).value.trim();
  const num = id => (v(id) === '' ? undefined : Number(v(id)));
  const hyper = {n_epochs: num('job-epochs'), batch_size: num('job-batch-size'), learning_rate_multiplier: num('job-lrm')};
  const out = {model: v('job-model'), training_file: v('job-training-file')};
  if (v('job-validation-file')) out.validation_file = v('job-validation-file');
  if (v('job-suffix')) out.suffix = v('job-suffix');
  if (num('job-seed') !== undefined) out.seed = num('job-seed');
  const given = Object.fromEntries(Object.entries(hyper).filter(([, x]) => x !== undefined));
  if (Object.keys(given).length) out.hyperparameters = given;
  if (form.querySelector('#job-full').checked) {
    out.method = {type: 'supervised', supervised: {full_finetune: true}};
  }
  return out;
}

async function submit(event, form, message, ctx) {
  event.preventDefault();
  if (!form.reportValidity()) return;
  const button = form.querySelector('#create-job-button');
  button.disabled = true;
  message.replaceChildren();
  try {
    const job = await call('POST', azure('/fine_tuning/jobs'), {json: body(form), signal: ctx.signal});
    ctx.announce(`Created job ${job.id}.`);
    ctx.go(`#/jobs/${job.id}`);
  } catch (err) {
    if (err.name === 'AbortError') return;
    fill(message, errorBox(err.param ? {message: `${err.param}: ${err.message}`} : err));
    button.disabled = false;
  }
}
