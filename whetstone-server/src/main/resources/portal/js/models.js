// Models: the base models of the models folder and the fine-tuned models jobs produced; deploy, export or delete.
import {azure, call, download, get} from './api.js';
import {h, fill, table, time, badge} from './dom.js';
import {phase} from './safety.js';

export async function render(main, ctx) {
  const area = h('div', {id: 'model-list'});
  const refresh = async () => {
    const models = await get(azure('/models'), {signal: ctx.signal});
    fill(area, modelsTable(models.data, ctx, refresh));
  };
  fill(main, h('h1', {tabindex: -1}, 'Models'),
    h('p', {}, 'Base models are the folders of the models directory; fine-tuned models come from succeeded jobs. '
      + 'Deploy a model to chat with it in the playground, or export it for other tools: a GGUF file for llama.cpp, '
      + 'a Hugging Face folder (LoRA merged) or the PEFT adapter (docs/models.md).'),
    area);
  await refresh();
}

function modelsTable(models, ctx, refresh) {
  const rows = models.map(m => {
    const tuned = Boolean(m.fine_tune);
    return h('tr', {'data-model-id': m.id},
      h('td', {}, h('code', {}, m.id)),
      h('td', {}, tuned ? 'fine-tuned' : 'base'),
      h('td', {}, tuned ? [m.model, ' · ', h('a', {href: `#/jobs/${m.fine_tune}`}, m.fine_tune)] : (m.architecture ?? '')),
      h('td', {}, m.capabilities?.chat_completion ? 'chat' : 'completion'),
      h('td', {}, badge(m.status)),
      h('td', {class: 'safety'}, tuned ? phase(m.safety_evaluation, true) : ''),
      h('td', {}, time(m.created_at)),
      h('td', {}, h('div', {class: 'actions'},
        m.capabilities?.inference
          ? h('a', {href: `#/deployments?model=${encodeURIComponent(m.id)}`, 'aria-label': `Deploy ${m.id}`}, 'Deploy')
          : null,
        exportControl(m, ctx),
        tuned ? h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${m.id}`,
          onclick: () => remove(m, ctx, refresh)}, 'Delete') : null)));
  });
  return table('Models', ['Model', 'Kind', 'Base / job', 'Task', 'Status', 'Safety evaluation', 'Created', ''], rows, 'No models.');
}

/** The export formats the API offers; the adapter alone only for fine-tuned models (a full fine-tune refuses it). */
function exportControl(model, ctx) {
  const formats = [['gguf:f16', 'GGUF f16'], ['gguf:q8_0', 'GGUF q8_0'], ['gguf:f32', 'GGUF f32'],
    ['hf:', 'Hugging Face folder (zip)']];
  if (model.fine_tune) formats.push(['peft:', 'PEFT adapter (zip)']);
  const choice = h('select', {'aria-label': `Export format for ${model.id}`},
    formats.map(([value, label]) => h('option', {value}, label)));
  const button = h('button', {type: 'button', 'aria-label': `Export ${model.id}`,
    onclick: () => exportModel(model, choice.value, button, ctx)}, 'Export');
  return h('span', {class: 'export'}, choice, button);
}

async function exportModel(model, value, button, ctx) {
  const [format, type] = value.split(':');
  const query = type ? {format, gguf_type: type} : {format};
  button.disabled = true;
  ctx.announce(`Exporting ${model.id} as ${format}; merging and converting can take a while.`);
  try {
    const {blob, name} = await download(azure(`/models/${encodeURIComponent(model.id)}/export`, query), ctx.signal);
    const url = URL.createObjectURL(blob);
    const link = h('a', {href: url, download: name});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    ctx.announce(`Exported ${model.id}: ${name}.`);
  } catch (e) {
    if (e.name !== 'AbortError') ctx.announce(`Export failed: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

async function remove(model, ctx, refresh) {
  if (!confirm(`Delete the fine-tuned model ${model.id}?`)) return;
  try {
    await call('DELETE', azure(`/models/${encodeURIComponent(model.id)}`), {signal: ctx.signal});
    ctx.announce(`Deleted ${model.id}.`);
    await refresh();
  } catch (e) {
    if (e.name !== 'AbortError') ctx.announce(`Delete failed: ${e.message}`);
  }
}
