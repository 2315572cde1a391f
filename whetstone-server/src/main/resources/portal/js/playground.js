// Playground: chat with a deployment, the answer streamed as it is generated (docs/reference/API.md 6.1), with temperature and
// max tokens. The conversation lives in the page only.
import {streamChat} from './api.js';
import {h, fill, field, errorBox} from './dom.js';
import {listDeployments, missingApi} from './deployments.js';

export async function render(main, ctx) {
  const list = await listDeployments(ctx.signal);
  if (list === null) return fill(main, h('h1', {tabindex: -1}, 'Playground'), missingApi());
  const ready = list.filter(d => d.properties?.provisioningState === 'Succeeded');
  if (ready.length === 0) {
    return fill(main, h('h1', {tabindex: -1}, 'Playground'), h('p', {class: 'notice', id: 'no-deployments'},
      'No deployment is ready. ', h('a', {href: '#/deployments'}, 'Deploy a model'), ' first.'));
  }
  new Playground(main, ctx, ready);
}

class Playground {
  constructor(main, ctx, deployments) {
    this.ctx = ctx;
    this.history = [];
    this.stopper = null;
    const wanted = ctx.query.get('deployment');
    this.deployment = h('select', {id: 'chat-deployment'},
      deployments.map(d => h('option', {value: d.name}, `${d.name} (${d.properties?.model?.name ?? ''})`)));
    if (wanted && deployments.some(d => d.name === wanted)) this.deployment.value = wanted;
    this.system = h('textarea', {id: 'chat-system', rows: 3}, 'You are a helpful assistant.');
    this.temperature = h('input', {id: 'chat-temperature', type: 'range', min: 0, max: 2, step: 0.1, value: '0.7'});
    const shown = h('output', {for: 'chat-temperature', id: 'chat-temperature-value'}, '0.7');
    this.temperature.addEventListener('input', () => { shown.textContent = this.temperature.value; });
    this.maxTokens = h('input', {id: 'chat-max-tokens', type: 'number', min: 1, max: 4096, step: 1, value: '64',
      required: true});
    this.log = h('ol', {class: 'chat', id: 'chat-log', 'aria-label': 'Conversation'});
    this.input = h('textarea', {id: 'chat-input', rows: 3, required: true});
    this.input.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.form.requestSubmit(); }
    });
    this.send = h('button', {type: 'submit', id: 'chat-send'}, 'Send');
    this.stop = h('button', {type: 'button', class: 'secondary', id: 'chat-stop', disabled: true,
      onclick: () => this.stopper?.abort()}, 'Stop');
    this.error = h('div', {id: 'chat-error'});
    this.form = h('form', {id: 'chat-form', onsubmit: e => this.submit(e)},
      field('Message', this.input, 'Enter sends; Shift+Enter starts a new line.'),
      this.error,
      h('div', {class: 'actions'}, this.send, this.stop,
        h('button', {type: 'button', class: 'secondary', onclick: () => this.clear()}, 'Clear conversation')));
    fill(main, h('h1', {tabindex: -1}, 'Playground'),
      h('div', {class: 'playground'},
        h('section', {class: 'card', 'aria-labelledby': 'settings-h'}, h('h2', {id: 'settings-h'}, 'Settings'),
          field('Deployment', this.deployment), field('System message', this.system),
          h('div', {class: 'field'}, h('label', {for: 'chat-temperature'}, 'Temperature'), this.temperature, shown),
          field('Max tokens', this.maxTokens)),
        h('section', {'aria-labelledby': 'chat-h'}, h('h2', {id: 'chat-h'}, 'Chat'), this.log, this.form)));
  }

  clear() {
    this.history = [];
    this.log.replaceChildren();
    this.ctx.announce('Conversation cleared.');
  }

  bubble(role, text) {
    const content = h('span', {class: 'content'}, text);
    const li = h('li', {class: role}, h('span', {class: 'role'}, role === 'user' ? 'You' : 'Assistant'), content);
    this.log.append(li);
    li.scrollIntoView({block: 'nearest'});
    return {li, content};
  }

  async submit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text || this.stopper || !this.form.reportValidity()) return;
    this.error.replaceChildren();
    this.history.push({role: 'user', content: text});
    this.bubble('user', text);
    this.input.value = '';
    const answer = this.bubble('assistant', '');
    answer.li.setAttribute('aria-busy', 'true');
    this.stopper = new AbortController();
    this.send.disabled = true;
    this.stop.disabled = false;
    this.ctx.announce('Generating…');
    const messages = this.system.value.trim() ? [{role: 'system', content: this.system.value.trim()}] : [];
    let reply = '';
    try {
      const body = {messages: [...messages, ...this.history], temperature: Number(this.temperature.value),
        max_tokens: Number(this.maxTokens.value)};
      for await (const piece of streamChat(this.deployment.value, body,
        AbortSignal.any([this.ctx.signal, this.stopper.signal]))) {
        reply += piece;
        answer.content.textContent = reply;
      }
      this.ctx.announce('Response complete.');
    } catch (e) {
      if (e.name === 'AbortError') this.ctx.announce('Stopped.');
      else fill(this.error, errorBox(e));
    } finally {
      this.history.push({role: 'assistant', content: reply});
      answer.li.removeAttribute('aria-busy');
      answer.li.dataset.done = 'true';
      this.stopper = null;
      this.send.disabled = false;
      this.stop.disabled = true;
      if (!this.ctx.signal.aborted) this.input.focus();
    }
  }
}
