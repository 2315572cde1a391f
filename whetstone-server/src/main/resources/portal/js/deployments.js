// Deployments through the ARM API (docs/reference/API.md 5.1) with the fixed local subscription, resource group and account:
// deploy a model or a checkpoint, follow provisioningState, delete.
import {azure, call, deployments as deploymentUrl, get} from './api.js';
import {h, fill, field, table, badge, errorBox} from './dom.js';

const SETTLED = new Set(['Succeeded', 'Failed', 'Canceled', 'Disabled']);

/** The deployments list, or null when this service has no deployments API (404 on the route). */
export async function listDeployments(signal) {
  try {
    return (await get(deploymentUrl(), {bearer: true, signal})).value ?? [];
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

export function missingApi() {
  return h('p', {class: 'notice', id: 'no-deployments-api'}, 'This service does not offer deployments yet: ',
    h('code', {}, deploymentUrl()), ' answered 404 Not Found.');
}

export async function render(main, ctx) {
  const first = await listDeployments(ctx.signal);
  if (first === null) return fill(main, h('h1', {tabindex: -1}, 'Deployments'), missingApi());
  const area = h('div', {id: 'deployment-list'});
  const refresh = async () => {
    const list = await listDeployments(ctx.signal) ?? [];
    fill(area, deploymentsTable(list, ctx, refresh));
    return list.some(d => !SETTLED.has(d.properties?.provisioningState));
  };
  fill(main, h('h1', {tabindex: -1}, 'Deployments'),
    await deployForm(ctx, () => ctx.poll(refresh, 1500)),
    h('h2', {}, 'Deployments'), area);
  await ctx.poll(refresh, 1500);
}

/** Fine-tuned models, the checkpoints of succeeded jobs, and base models, as option groups. */
async function modelChoices(signal) {
  const [models, jobs] = await Promise.all([get(azure('/models'), {signal}),
    get(azure('/fine_tuning/jobs', {limit: 20}), {signal})]);
  const succeeded = jobs.data.filter(j => j.status === 'succeeded');
  const checkpoints = (await Promise.all(succeeded.map(j =>
    get(azure(`/fine_tuning/jobs/${j.id}/checkpoints`, {limit: 100}), {signal}))))
    .flatMap(list => list.data.map(c => c.fine_tuned_model_checkpoint))
    .filter(name => name.includes(':ckpt-step-'));
  const usable = models.data.filter(m => m.capabilities?.inference);
  return [
    ['Fine-tuned models', usable.filter(m => m.fine_tune).map(m => m.id)],
    ['Checkpoints', checkpoints],
    ['Base models', usable.filter(m => !m.fine_tune).map(m => m.id)],
  ];
}

async function deployForm(ctx, watch) {
  const wanted = ctx.query.get('model');
  const groups = await modelChoices(ctx.signal);
  const known = groups.some(([, names]) => names.includes(wanted));
  const model = h('select', {id: 'deploy-model', required: true},
    wanted && !known ? h('option', {value: wanted}, wanted) : null,
    groups.filter(([, names]) => names.length).map(([label, names]) =>
      h('optgroup', {label}, names.map(n => h('option', {value: n}, n)))));
  if (wanted) model.value = wanted;
  const name = h('input', {id: 'deploy-name', required: true, maxlength: 64, pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]*',
    value: suggestName(model.value)});
  model.addEventListener('change', () => { name.value = suggestName(model.value); });
  const sku = h('select', {id: 'deploy-sku'},
    h('option', {value: 'Standard'}, 'Standard'),
    h('option', {value: 'GlobalStandard'}, 'GlobalStandard'),
    h('option', {value: 'DeveloperTier'}, 'DeveloperTier (deleted a day after creation)'));
  const message = h('div', {id: 'deploy-message'});
  const form = h('form', {class: 'card', id: 'deploy-form'},
    h('h2', {}, 'Deploy a model or checkpoint'),
    h('div', {class: 'grid wide'}, field('Model', model),
      field('Deployment name', name, 'Used in the inference URL: /openai/deployments/<name>/chat/completions'),
      field('Deployment type', sku, 'Any deployment unused for a while is deleted; the list shows when')),
    message,
    h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'deploy-button'}, 'Deploy')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    message.replaceChildren();
    try {
      await call('PUT', deploymentUrl(name.value), {bearer: true, signal: ctx.signal, json: {
        sku: {name: sku.value, capacity: 1},
        properties: {model: {format: 'OpenAI', name: model.value, version: '1'}},
      }});
      ctx.announce(`Deploying ${model.value} as ${name.value}.`);
      watch();
    } catch (err) {
      if (err.name !== 'AbortError') fill(message, errorBox(err));
    }
  });
  return form;
}

/** A valid deployment name from a model id: ':' (checkpoint names) is not allowed in one. */
function suggestName(model) {
  return (model ?? '').replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
}

function deploymentsTable(list, ctx, refresh) {
  const rows = list.map(d => {
    const state = d.properties?.provisioningState ?? 'unknown';
    return h('tr', {'data-deployment': d.name, 'data-state': state},
      h('td', {}, h('code', {}, d.name)),
      h('td', {}, h('code', {}, d.properties?.model?.name ?? '')),
      h('td', {}, badge(state)),
      h('td', {class: 'expires'}, expiry(d.properties)),
      h('td', {}, d.properties?.error ? h('pre', {class: 'details'}, d.properties.error.message) : ''),
      h('td', {}, h('div', {class: 'actions'},
        state === 'Succeeded' ? h('a', {href: `#/playground?deployment=${encodeURIComponent(d.name)}`,
          'aria-label': `Chat with ${d.name}`}, 'Chat') : null,
        h('button', {type: 'button', class: 'danger', 'aria-label': `Delete deployment ${d.name}`,
          onclick: () => remove(d, ctx, refresh)}, 'Delete'))));
  });
  return table('Deployments', ['Name', 'Model', 'State', 'Deleted at', 'Details', ''], rows, 'No deployments yet.');
}

/** When the service deletes the deployment (docs/deployments.md, "Expiry"): a DeveloperTier end, or an idle deadline. */
function expiry(p) {
  if (!p?.expiresAt) return 'never';
  const at = new Date(p.expiresAt).toLocaleString();
  const why = p.expiryReason === 'DeveloperTier' ? 'DeveloperTier lifetime'
    : 'if unused until then' + (p.lastUsedAt ? ` (last used ${new Date(p.lastUsedAt).toLocaleString()})` : ' (never used)');
  return h('span', {title: p.expiresAt}, `${at} — ${why}`);
}

async function remove(d, ctx, refresh) {
  if (!confirm(`Delete deployment ${d.name}?`)) return;
  try {
    await call('DELETE', deploymentUrl(d.name), {bearer: true, signal: ctx.signal});
    ctx.announce(`Deleted deployment ${d.name}.`);
    await refresh();
  } catch (e) {
    if (e.name !== 'AbortError') ctx.announce(`Delete failed: ${e.message}`);
  }
}
