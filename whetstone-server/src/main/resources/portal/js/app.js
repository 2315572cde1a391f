// The portal's shell: sign-in, the hash router (#/files, #/jobs/<id>?…), and each page's lifetime (its timers and
// requests end when the user leaves it).
import {get, azure, session} from './api.js';
import {h, fill, errorBox} from './dom.js';
import * as files from './files.js';
import * as jobs from './jobs.js';
import * as job from './job.js';
import * as models from './models.js';
import * as deployments from './deployments.js';
import * as playground from './playground.js';
import * as graders from './graders.js';

const ROUTES = [
  [/^\/files$/, files, 'Files'],
  [/^\/jobs$/, jobs, 'Fine-tuning jobs'],
  [/^\/jobs\/([\w-]+)$/, job, 'Fine-tuning job'],
  [/^\/models$/, models, 'Models'],
  [/^\/deployments$/, deployments, 'Deployments'],
  [/^\/playground$/, playground, 'Playground'],
  [/^\/graders$/, graders, 'Grader playground'],
];

const main = document.getElementById('main');
const statusRegion = document.getElementById('status');
let current = null; // the page on screen: {controller, timers}

/** Announces a short status to screen readers and shows it under the header. */
export function announce(message) {
  statusRegion.textContent = message;
}

/** What a page gets: an abort signal, polling tied to its lifetime, and navigation. */
function pageContext(query) {
  const controller = new AbortController();
  const timers = new Set();
  const chains = new Set();
  return {
    controller, timers, query,
    signal: controller.signal,
    announce,
    go: hash => { location.hash = hash; },
    /**
     * Calls fn now and again every ms while it returns true and the page is shown; never overlapping, and one
     * chain per key. A failed call is announced and retried: the service may be restarting.
     */
    poll(fn, ms, key = fn) {
      if (chains.has(key)) return Promise.resolve();
      chains.add(key);
      const step = async () => {
        if (controller.signal.aborted) return;
        let again = true;
        try {
          again = await fn();
        } catch (e) {
          if (e.name === 'AbortError') return;
          announce(`Refreshing failed: ${e.message}. Retrying.`);
        }
        if (again && !controller.signal.aborted) timers.add(setTimeout(step, ms));
        else chains.delete(key);
      };
      return step();
    },
  };
}

function leave() {
  if (!current) return;
  announce(''); // a message belongs to the page that said it
  current.controller.abort();
  current.timers.forEach(clearTimeout);
  current = null;
}

async function route() {
  const hash = location.hash;
  if (hash && !hash.startsWith('#/')) return; // the skip link, not a page
  leave();
  if (!session.key()) return showSignIn();
  const [path, search] = (hash.slice(1) || '/files').split('?');
  const match = ROUTES.map(([re, page, title]) => [path.match(re), page, title]).find(([m]) => m);
  markNav(path);
  if (!match) return showPage('Not found', ctx => fill(main, h('h1', {tabindex: -1}, 'Page not found'),
    h('p', {}, 'No page at ', h('code', {}, hash), '. ', h('a', {href: '#/files'}, 'Go to Files'), '.')));
  const [m, page, title] = match;
  await showPage(title, ctx => page.render(main, ctx, ...m.slice(1)), new URLSearchParams(search ?? ''));
}

async function showPage(title, render, query = new URLSearchParams()) {
  const ctx = pageContext(query);
  current = ctx;
  document.title = `${title} · Whetstone`;
  main.replaceChildren();
  try {
    await render(ctx);
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(errorBox(e));
  }
  if (current === ctx) main.querySelector('h1')?.focus();
}

function markNav(path) {
  const nav = document.getElementById('nav');
  for (const a of nav.querySelectorAll('a')) {
    const target = a.getAttribute('href').slice(1);
    if (path === target || path.startsWith(target + '/')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function setSignedIn(signedIn) {
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
}

function showSignIn(message) {
  setSignedIn(false);
  document.title = 'Sign in · Whetstone';
  const input = h('input', {id: 'api-key', type: 'password', name: 'api-key', autocomplete: 'current-password',
    required: true, 'aria-describedby': 'api-key-hint'});
  const error = h('div', {id: 'sign-in-error', role: 'alert'});
  if (message) fill(error, errorBox({message}));
  const form = h('form', {id: 'sign-in', class: 'card narrow', onsubmit: e => signIn(e, input, error)},
    h('h1', {tabindex: -1}, 'Sign in'),
    h('p', {}, 'Enter the API key of this service. ', h('code', {}, './whetstone serve'),
      ' printed it on first start; ', h('code', {}, './whetstone api-key'), ' prints it again.'),
    h('div', {class: 'field'}, h('label', {for: 'api-key'}, 'API key'), input,
      h('small', {id: 'api-key-hint', class: 'hint'}, 'Kept in this browser tab only, until you sign out or close it.')),
    error,
    h('button', {type: 'submit'}, 'Sign in'));
  main.replaceChildren(form);
  input.focus();
}

async function signIn(event, input, error) {
  event.preventDefault();
  const key = input.value.trim();
  error.replaceChildren();
  try {
    await get(azure('/models'), {key});
  } catch (e) {
    fill(error, errorBox(e.status === 401 ? {message: 'The key was not accepted. Check it with ./whetstone api-key.'} : e));
    input.focus();
    return;
  }
  session.signIn(key);
  setSignedIn(true);
  announce('Signed in.');
  if (!location.hash.startsWith('#/')) location.hash = '#/files';
  else route();
}

function signOut(message) {
  leave();
  session.signOut();
  announce('Signed out.');
  showSignIn(message);
}

document.getElementById('sign-out').addEventListener('click', () => signOut());
document.getElementById('skip').addEventListener('click', e => { e.preventDefault(); main.focus(); });
window.addEventListener('whetstone:unauthorized', e => {
  if (session.key()) signOut(e.detail || 'The service no longer accepts this key. Sign in again.');
});
window.addEventListener('hashchange', route);
setSignedIn(Boolean(session.key()));
route();
