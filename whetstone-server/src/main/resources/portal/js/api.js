// The public API, as any client calls it: Azure paths with api-version, the key in the api-key header
// (ARM deployment calls: Authorization: Bearer <key>). The key lives in sessionStorage only: it is gone when the
// browser tab closes, and no cookie carries it.

const KEY_ITEM = 'whetstone.apiKey';
export const API_VERSION = '2024-10-21';
/** Fixed ARM coordinates of this service's one account (docs/portal.md). */
export const ARM = {
  subscription: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'whetstone',
  account: 'local',
  apiVersion: '2023-05-01',
};

/** A failed call: HTTP status plus the error envelope's code, message and param. */
export class ApiError extends Error {
  constructor(status, code, message, param) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  signIn: key => sessionStorage.setItem(KEY_ITEM, key),
  signOut: () => sessionStorage.removeItem(KEY_ITEM),
};

/** '/openai' + path + api-version (and any further query parameters). */
export function azure(path, query = {}) {
  const q = new URLSearchParams({'api-version': API_VERSION, ...query});
  return `/openai${path}?${q}`;
}

/** An ARM deployments URL: the list, or one deployment by name. */
export function deployments(name) {
  const base = `/subscriptions/${ARM.subscription}/resourceGroups/${ARM.resourceGroup}`
    + `/providers/Microsoft.CognitiveServices/accounts/${ARM.account}/deployments`;
  return `${base}${name ? '/' + encodeURIComponent(name) : ''}?api-version=${ARM.apiVersion}`;
}

function headers(extra, bearer) {
  const key = session.key() ?? '';
  return bearer ? {Authorization: `Bearer ${key}`, ...extra} : {'api-key': key, ...extra};
}

/** Reads the error envelope of a failed response; tells the app when the key is no longer accepted. */
async function failure(res) {
  let code = String(res.status);
  let message = `${res.status} ${res.statusText}`;
  let param = null;
  try {
    const body = await res.json();
    if (body?.error) ({code = code, message = message, param = null} = body.error);
  } catch { /* not JSON: keep the status line */ }
  if (res.status === 401) window.dispatchEvent(new CustomEvent('whetstone:unauthorized', {detail: message}));
  return new ApiError(res.status, code, message, param);
}

/** method + url (+ JSON body) → parsed JSON, or null for an empty answer. Throws ApiError. */
export async function call(method, url, {json, bearer = false, signal, key} = {}) {
  const h = headers(json === undefined ? {} : {'Content-Type': 'application/json'}, bearer);
  if (key !== undefined) h['api-key'] = key;
  const res = await fetch(url, {method, headers: h, signal,
    body: json === undefined ? undefined : JSON.stringify(json)});
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (url, opts) => call('GET', url, opts);

/** A file's content as text (results.csv). */
export async function content(fileId, signal) {
  const res = await fetch(azure(`/files/${encodeURIComponent(fileId)}/content`), {headers: headers({}), signal});
  if (!res.ok) throw await failure(res);
  return res.text();
}

/**
 * A download that needs the key header (a plain link cannot send it): the body as a Blob, with the file name from
 * Content-Disposition. The whole body is held in the browser's memory; the CLI suits multi-GB models better.
 */
export async function download(url, signal) {
  const res = await fetch(url, {headers: headers({}), signal});
  if (!res.ok) throw await failure(res);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'download';
  return {blob: await res.blob(), name};
}

/**
 * Uploads a file as the Azure how-to does (multipart, purpose fine-tune). XMLHttpRequest, not fetch: only it
 * reports upload progress. onProgress gets (sentBytes, totalBytes).
 */
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', azure('/files'));
    xhr.setRequestHeader('api-key', session.key() ?? '');
    xhr.upload.addEventListener('progress', e => { if (e.lengthComputable) onProgress(e.loaded, e.total); });
    xhr.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* keep null */ }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      if (xhr.status === 401) window.dispatchEvent(new CustomEvent('whetstone:unauthorized'));
      const e = body?.error ?? {};
      reject(new ApiError(xhr.status, e.code ?? String(xhr.status), e.message ?? `Upload failed: ${xhr.status}`, e.param));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The upload could not reach the service.')));
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    // Browsers send .jsonl files without a type; the Azure how-to sends application/json, and so do we.
    form.append('file', file.type ? file : new Blob([file], {type: 'application/json'}), file.name);
    xhr.send(form);
  });
}

/**
 * Streams a chat completion (docs/reference/API.md 6.1): yields each content piece of `data: {chunk}` lines until
 * `data: [DONE]`. An error sent mid-stream as `data: {"error": …}` is thrown as ApiError.
 */
export async function* streamChat(deployment, body, signal) {
  const url = `/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${API_VERSION}`;
  const res = await fetch(url, {method: 'POST', signal,
    headers: headers({'Content-Type': 'application/json', Accept: 'text/event-stream'}),
    body: JSON.stringify({...body, stream: true})});
  if (!res.ok) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffered += value;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new ApiError(500, chunk.error.code, chunk.error.message, chunk.error.param);
      const piece = chunk.choices?.[0]?.delta?.content;
      if (piece) yield piece;
    }
  }
}
