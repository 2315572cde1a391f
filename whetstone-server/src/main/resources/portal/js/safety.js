// The safety phases of a job and a fine-tuned model's evaluation, from Whetstone's `safety_evaluation`
// extension (docs/safety.md): what ran, how it ended, and whether the model may be deployed.
import {h, badge} from './dom.js';

const share = v => (typeof v === 'number' ? v.toFixed(2) : '?');

/** One phase as a badge and a sentence; `model` selects the model evaluation's wording. */
export function phase(check, model) {
  if (!check) return h('span', {class: 'hint', 'data-safety': 'pending'}, 'not run yet');
  const failed = (check.failed_categories ?? []).join(', ');
  let text;
  if (check.status === 'failed') {
    text = model
      ? `not deployable: above the acceptable rate (${share(check.max_rate)}) for ${failed}`
      : `harmful content: ${failed}`;
  } else if (check.status === 'error') {
    text = model ? `not deployable: ${check.detail}` : check.detail;
  } else if (check.status === 'skipped') {
    text = check.detail;
  } else {
    text = model ? `deployable, ${check.detail}` : check.detail;
  }
  const parts = [badge(check.status), ' ', text];
  if (model && check.probe_set) {
    const rates = Object.entries(check.flagged_rates ?? {}).map(([k, v]) => `${k} ${share(v)}`).join(', ');
    parts.push(h('small', {class: 'hint'}, ` (${check.probe_set}${rates ? `; flagged: ${rates}` : ''})`));
  }
  return h('span', {'data-safety': check.status}, parts);
}

/** Whether a model with this evaluation may be deployed (none on record: made before models were evaluated). */
export function deployable(check) {
  return !check || check.deployable !== false;
}
