// A job's metrics for the charts, from what the API offers: results.csv (one row per step, rewritten while the
// job runs) and the metrics events (Azure's `data` with the same keys, every few steps). No drawing here.

export const COLUMNS = ['step', 'train_loss', 'train_mean_token_accuracy', 'valid_loss', 'valid_mean_token_accuracy',
  'full_valid_loss', 'full_valid_mean_token_accuracy', 'train_reward_accuracy', 'train_reward_margin',
  'valid_reward_accuracy', 'valid_reward_margin', 'train_reward_mean', 'valid_reward_mean', 'train_kl',
  'train_answer_length'];

/** results.csv → [{step, train_loss, …}] with null for empty cells. */
export function parseResultsCsv(text) {
  const lines = text.split(/\r?\n/).filter(l => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = lines[0].split(',').map(s => s.trim());
  return lines.slice(1).map(line => {
    const cells = line.split(',');
    const row = {};
    header.forEach((name, i) => {
      const cell = (cells[i] ?? '').trim();
      row[name] = cell === '' ? null : Number(cell);
    });
    return row;
  }).filter(r => Number.isFinite(r.step));
}

/** The metric rows carried by a job's metrics events. */
export function eventRows(events) {
  return events.filter(e => e.type === 'metrics' && e.data && Number.isFinite(e.data.step)).map(e => e.data);
}

/** One row per step from several sources; a value present in a later source wins. Sorted by step. */
export function mergeRows(...sources) {
  const byStep = new Map();
  for (const rows of sources) {
    for (const r of rows) {
      const merged = {...(byStep.get(r.step) ?? {step: r.step})};
      for (const c of COLUMNS) if (r[c] !== null && r[c] !== undefined) merged[c] = r[c];
      byStep.set(r.step, merged);
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * Steps per epoch from the run's plan: total_steps (in the metrics events' data) over the resolved n_epochs.
 * Null while unknown, then the whole run counts as one epoch.
 */
export function stepsPerEpoch(events, job) {
  const total = eventRows(events).map(d => d.total_steps).find(Number.isFinite);
  const epochs = job?.hyperparameters?.n_epochs;
  if (!Number.isFinite(total) || !Number.isFinite(epochs) || epochs < 1) return null;
  return Number.isInteger(total / epochs) ? total / epochs : null;
}

/** The running mean of a column since the first step of the current epoch; null where the step has no value. */
function epochToDate(rows, column, perEpoch) {
  let epoch = null;
  let sum = 0;
  let n = 0;
  return rows.map(r => {
    const e = perEpoch ? Math.ceil(r.step / perEpoch) : 1;
    if (e !== epoch) { epoch = e; sum = 0; n = 0; }
    const v = r[column];
    if (v === null || v === undefined) return null;
    sum += v;
    n += 1;
    return sum / n;
  });
}

/**
 * The charts' data in uPlot's column form [steps, training, validation, full validation]:
 * loss; mean token accuracy (per step, as results.csv has it); token accuracy over the epoch so far (the running
 * mean of the per-step accuracies since the epoch began, so it ends each epoch at that epoch's accuracy).
 * Full-validation values exist only at epoch ends. DPO jobs add reward accuracy and reward margin; reinforcement
 * jobs add the mean grader reward (training samples; validation prompts every eval_interval steps), the KL to the
 * reference and the mean answer length in tokens — training values only for the last two.
 */
export function chartData(rows, perEpoch) {
  const steps = rows.map(r => r.step);
  const column = c => rows.map(r => r[c] ?? null);
  return {
    loss: [steps, column('train_loss'), column('valid_loss'), column('full_valid_loss')],
    meanTokenAccuracy: [steps, column('train_mean_token_accuracy'), column('valid_mean_token_accuracy'),
      column('full_valid_mean_token_accuracy')],
    tokenAccuracy: [steps, epochToDate(rows, 'train_mean_token_accuracy', perEpoch),
      epochToDate(rows, 'valid_mean_token_accuracy', perEpoch), column('full_valid_mean_token_accuracy')],
    // DPO jobs only (results.csv then has the reward columns): no full-validation values for these
    ...(rows.some(r => r.train_reward_accuracy !== null && r.train_reward_accuracy !== undefined) ? {
      rewardAccuracy: [steps, column('train_reward_accuracy'), column('valid_reward_accuracy'), steps.map(() => null)],
      rewardMargin: [steps, column('train_reward_margin'), column('valid_reward_margin'), steps.map(() => null)],
    } : {}),
    // Reinforcement jobs only (results.csv then has the reward-mean columns)
    ...(rows.some(r => r.train_reward_mean !== null && r.train_reward_mean !== undefined) ? {
      rewardMean: [steps, column('train_reward_mean'), column('valid_reward_mean'), steps.map(() => null)],
      kl: [steps, column('train_kl'), steps.map(() => null), steps.map(() => null)],
      answerLength: [steps, column('train_answer_length'), steps.map(() => null), steps.map(() => null)],
    } : {}),
  };
}
