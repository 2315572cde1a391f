// Models: the base models of the models folder and the fine-tuned models jobs produced; deploy or delete.
import {azure, call, get} from './api.js';
import {h, fill, table, time, badge} from './dom.js';

export async function render(main, ctx) {
  const area = h('div', {id: 'model-list'});
  const refresh = async () => {
    const models = await get(azure('/models'), {signal: ctx.signal});
    fill(area, modelsTable(models.data, ctx, refresh));
  };
  fill(main, h('h1', {tabindex: -1}, 'Models'),
    h('p', {}, 'Base models are the folders of the models directory; fine-tuned models come from succeeded jobs. '
      + 'Deploy a model to chat with it in the playground.'),
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
      h('td', {}, time(m.created_at)),
      h('td', {}, h('div', {class: 'actions'},
        m.capabilities?.inference
          ? h('a', {href: `#/deployments?model=${encodeURIComponent(m.id)}`, 'aria-label': `Deploy ${m.id}`}, 'Deploy')
          : null,
        tuned ? h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${m.id}`,
          onclick: () => remove(m, ctx, refresh)}, 'Delete') : null)));
  });
  return table('Models', ['Model', 'Kind', 'Base / job', 'Task', 'Status', 'Created', ''], rows, 'No models.');
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
