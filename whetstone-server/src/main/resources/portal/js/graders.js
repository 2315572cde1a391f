// Grader playground: a grader's JSON, a model output and a dataset item run through the graders API
// (POST /openai/fine_tuning/alpha/graders/run and /validate, docs/graders.md), so a user can try the grader of a
// reinforcement job before starting it. Shows the reward, the sub-graders' rewards of a multi grader and the
// error flags the service set; a malformed grader is the API's 400 with the field it names.
import {call, azure} from './api.js';
import {h, fill, field, details, number} from './dom.js';

const EXAMPLE_GRADER = {type: 'string_check', name: 'exact', input: '{{sample.output_text}}',
  reference: '{{item.label}}', operation: 'eq'};
const EXAMPLE_ITEM = {label: 'Paris'};

/** text → parsed JSON, or an Error that names the field; an empty item is null (no item). */
export function parseField(text, label, {optional = false} = {}) {
  if (optional && text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${label} is not valid JSON: ${e.message}`);
  }
}

/** The run request as RunGraderRequest has it. */
export function runRequest(grader, sample, item) {
  return item === null ? {grader, model_sample: sample} : {grader, model_sample: sample, item};
}

/** The error flags a run set (metadata.errors: booleans, plus *_details and message texts), as [flag, detail]. */
export function flaggedErrors(result) {
  const errors = result?.metadata?.errors ?? {};
  const flagged = Object.entries(errors).filter(([, v]) => v === true).map(([k]) => k);
  return flagged.map(k => [k, errors[`${k}_details`] ?? errors[`${k}_type`] ?? null]);
}

export async function render(main, ctx) {
  const grader = h('textarea', {id: 'grader-json', rows: 10, spellcheck: 'false', required: true},
    JSON.stringify(EXAMPLE_GRADER, null, 2));
  const sample = h('textarea', {id: 'grader-sample', rows: 3, required: true}, 'Paris');
  const item = h('textarea', {id: 'grader-item', rows: 4, spellcheck: 'false'}, JSON.stringify(EXAMPLE_ITEM, null, 2));
  const out = h('div', {id: 'grader-result', 'aria-live': 'polite'});
  const runButton = h('button', {type: 'submit', id: 'grader-run'}, 'Run grader');
  const validateButton = h('button', {type: 'button', class: 'secondary', id: 'grader-validate'}, 'Validate only');

  const busy = async (what, work) => {
    runButton.disabled = validateButton.disabled = true;
    out.replaceChildren();
    out.removeAttribute('data-reward');
    out.removeAttribute('data-valid');
    ctx.announce(`${what}…`);
    try {
      await work();
    } catch (e) {
      if (e.name === 'AbortError') return;
      fill(out, failure(e));
      ctx.announce(`${what} failed.`);
    } finally {
      runButton.disabled = validateButton.disabled = false;
    }
  };

  const run = event => {
    event.preventDefault();
    return busy('Running the grader', async () => {
      const body = runRequest(parseField(grader.value, 'Grader'), sample.value,
        parseField(item.value, 'Item', {optional: true}));
      const result = await call('POST', azure('/fine_tuning/alpha/graders/run'), {json: body, signal: ctx.signal});
      showResult(out, result);
      ctx.announce(`Reward ${number(result.reward)}.`);
    });
  };

  const validate = () => busy('Validating the grader', async () => {
    await call('POST', azure('/fine_tuning/alpha/graders/validate'),
      {json: {grader: parseField(grader.value, 'Grader')}, signal: ctx.signal});
    out.setAttribute('data-valid', 'true');
    fill(out, h('p', {class: 'ok'}, 'The grader is valid.'));
    ctx.announce('The grader is valid.');
  });
  validateButton.addEventListener('click', validate);

  fill(main, h('h1', {tabindex: -1}, 'Grader playground'),
    h('p', {}, 'Try a reinforcement fine-tuning grader on one model output before a job uses it: ',
      h('code', {}, 'string_check'), ', ', h('code', {}, 'text_similarity'), ', ', h('code', {}, 'score_model'),
      ' (its model is one of your deployments), ', h('code', {}, 'python'), ' or ', h('code', {}, 'multi'),
      '. Templates read ', h('code', {}, '{{item.<field>}}'), ' and ', h('code', {}, '{{sample.output_text}}'), '.'),
    h('form', {id: 'grader-form', class: 'card', onsubmit: run},
      field('Grader (JSON)', grader, 'A grader object as in a reinforcement job\'s method.reinforcement.grader.'),
      field('Model output', sample, 'The answer to grade: {{sample.output_text}}.'),
      field('Item (JSON object, optional)', item, 'The dataset row: {{item.<field>}}.'),
      h('div', {class: 'actions'}, runButton, validateButton)),
    h('section', {'aria-labelledby': 'grader-result-h'}, h('h2', {id: 'grader-result-h'}, 'Result'), out));
}

function failure(e) {
  return h('div', {class: 'error', role: 'alert', 'data-param': e.param ?? null},
    e.param ? [h('code', {}, e.param), ': '] : null, e.message);
}

function showResult(out, result) {
  out.setAttribute('data-reward', String(result.reward));
  const meta = result.metadata ?? {};
  const subRewards = Object.entries(result.sub_rewards ?? {});
  const flagged = flaggedErrors(result);
  fill(out,
    h('p', {class: 'reward'}, 'Reward ', h('strong', {id: 'grader-reward'}, number(result.reward))),
    details([
      ['Grader', `${meta.name ?? ''} (${meta.type ?? ''})`],
      ['Execution time', Number.isFinite(meta.execution_time) ? `${number(meta.execution_time, 3)} s` : null],
      ['Model tokens', meta.token_usage ?? null],
      ['Sampled model', meta.sampled_model_name ?? null],
    ]),
    subRewards.length === 0 ? null : h('table', {id: 'grader-sub-rewards'},
      h('caption', {}, 'Sub-graders'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Grader'), h('th', {scope: 'col'}, 'Reward'))),
      h('tbody', {}, subRewards.map(([k, v]) => h('tr', {'data-grader': k}, h('td', {}, k), h('td', {}, number(v)))))),
    flagged.length === 0 ? h('p', {id: 'grader-errors', class: 'empty'}, 'No grading errors.')
      : h('div', {id: 'grader-errors', class: 'error', role: 'alert'},
        h('p', {}, 'The grader failed on this sample (reward 0):'),
        h('ul', {}, flagged.map(([k, d]) => h('li', {'data-error': k}, h('code', {}, k), d ? `: ${d}` : null))),
        meta.errors?.message ? h('p', {}, meta.errors.message) : null));
}
