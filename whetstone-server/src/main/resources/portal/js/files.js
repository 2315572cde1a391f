// Files: upload with a progress bar, the list with each file's validation status and its exact errors, delete.
import {azure, call, get, upload} from './api.js';
import {h, fill, table, time, bytes, badge, errorBox} from './dom.js';

const UNSETTLED = new Set(['pending', 'running', 'uploaded']);

export async function render(main, ctx) {
  const listArea = h('div', {id: 'file-list'});
  const progress = h('progress', {id: 'upload-progress', max: 100, value: 0});
  const progressText = h('span', {id: 'upload-progress-text'}, '');
  const progressRow = h('div', {class: 'actions', hidden: true}, h('label', {for: 'upload-progress'}, 'Upload progress'),
    progress, progressText);
  const input = h('input', {id: 'upload-file', type: 'file', accept: '.jsonl,.json,application/jsonl,application/json',
    required: true});
  const message = h('div', {id: 'upload-message'});
  const button = h('button', {type: 'submit', id: 'upload-button'}, 'Upload');

  const refresh = async () => {
    const list = await get(azure('/files'), {signal: ctx.signal});
    fill(listArea, filesTable(list.data, ctx, refresh));
    return list.data.some(f => UNSETTLED.has(f.status));
  };

  const onSubmit = async e => {
    e.preventDefault();
    const file = input.files[0];
    if (!file) return;
    button.disabled = true;
    progressRow.hidden = false;
    message.replaceChildren();
    try {
      const created = await upload(file, (sent, total) => {
        progress.value = Math.round(100 * sent / total);
        progressText.textContent = `${progress.value}% of ${bytes(total)}`;
      });
      progress.value = 100;
      progressText.textContent = 'Done';
      ctx.announce(`Uploaded ${created.filename} as ${created.id}; validating.`);
      fill(message, h('p', {}, 'Uploaded ', h('code', {}, created.id), '. Validation runs now; the status below follows it.'));
      input.value = '';
      ctx.poll(refresh, 1500);
    } catch (err) {
      fill(message, errorBox(err));
    } finally {
      button.disabled = false;
    }
  };

  fill(main,
    h('h1', {tabindex: -1}, 'Files'),
    h('form', {class: 'card', id: 'upload-form', onsubmit: onSubmit},
      h('h2', {}, 'Upload training data'),
      h('div', {class: 'field'}, h('label', {for: 'upload-file'}, 'JSON Lines file (purpose fine-tune)'), input,
        h('small', {class: 'hint'}, 'Chat examples {"messages": […]} or prompt/completion pairs, one per line.')),
      h('div', {class: 'actions'}, button),
      progressRow, message),
    h('h2', {}, 'Uploaded files'),
    listArea);
  await ctx.poll(refresh, 1500);
}

function filesTable(files, ctx, refresh) {
  const rows = files.map(f => h('tr', {'data-file-id': f.id, 'data-filename': f.filename},
    h('td', {}, f.filename),
    h('td', {}, h('code', {}, f.id)),
    h('td', {}, f.purpose),
    h('td', {}, bytes(f.bytes)),
    h('td', {}, badge(f.status)),
    h('td', {}, f.status_details ? h('pre', {class: 'details'}, f.status_details)
      : f.statistics ? `${f.statistics.examples} examples` : ''),
    h('td', {}, time(f.created_at)),
    h('td', {}, h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${f.filename} (${f.id})`,
      onclick: () => remove(f, ctx, refresh)}, 'Delete'))));
  return table('Files, newest first', ['Name', 'ID', 'Purpose', 'Size', 'Status', 'Details', 'Created', ''], rows,
    'No files yet. Upload a JSONL file above.');
}

async function remove(file, ctx, refresh) {
  if (!confirm(`Delete ${file.filename} (${file.id})?`)) return;
  try {
    await call('DELETE', azure(`/files/${encodeURIComponent(file.id)}`), {signal: ctx.signal});
    ctx.announce(`Deleted ${file.filename}.`);
    await refresh();
  } catch (err) {
    if (err.name !== 'AbortError') ctx.announce(`Delete failed: ${err.message}`);
  }
}
