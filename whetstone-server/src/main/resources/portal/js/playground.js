// Playground: chat with a deployment, the answer streamed as it is generated (docs/reference/API.md 6.1), with temperature and
// max tokens. A deployment whose model sees images (properties.capabilities.vision) takes an attached image with the
// message: the file is read into a data: URL and sent as an image_url content part (docs/vision.md). The conversation
// lives in the page only.
import {streamChat} from './api.js';
import {h, fill, field, errorBox} from './dom.js';
import {listDeployments, missingApi} from './deployments.js';

/** The service's limit for one image (UrlImageLoader.MAX_ENCODED_BYTES): checked here to answer before uploading. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** Whether a deployment from the ARM list serves a model that sees images. */
export function seesImages(deployment) {
  return String(deployment?.properties?.capabilities?.vision) === 'true';
}

/** A File as a base64 data: URL, refused (with a message for the user) when it is not a supported image or too large. */
export function readImage(file) {
  if (!IMAGE_TYPES.includes(file.type)) {
    return Promise.reject(new Error(`${file.name} is ${file.type || 'of an unknown type'}; attach a PNG, JPEG, WEBP or GIF image.`));
  }
  if (file.size > MAX_IMAGE_BYTES) {
    return Promise.reject(new Error(`${file.name} has ${file.size} bytes; an image may have at most ${MAX_IMAGE_BYTES}.`));
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read.`));
    reader.readAsDataURL(file);
  });
}

/** A user message's content: the text alone, or a text part and an image_url part when an image is attached. */
export function userContent(text, imageUrl) {
  if (!imageUrl) return text;
  return [{type: 'text', text}, {type: 'image_url', image_url: {url: imageUrl}}];
}

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
    this.deployments = deployments;
    this.history = [];
    this.stopper = null;
    const wanted = ctx.query.get('deployment');
    this.deployment = h('select', {id: 'chat-deployment'},
      deployments.map(d => h('option', {value: d.name}, `${d.name} (${d.properties?.model?.name ?? ''})`)));
    if (wanted && deployments.some(d => d.name === wanted)) this.deployment.value = wanted;
    this.image = h('input', {id: 'chat-image', type: 'file', accept: IMAGE_TYPES.join(',')});
    this.imageName = h('span', {id: 'chat-image-name', class: 'hint'});
    this.imageField = h('div', {class: 'field', id: 'chat-image-field'},
      h('label', {for: 'chat-image'}, 'Image'), this.image, this.imageName,
      h('button', {type: 'button', class: 'secondary', id: 'chat-image-remove',
        onclick: () => { this.image.value = ''; this.imageName.textContent = ''; }}, 'Remove image'),
      h('p', {class: 'hint'}, 'PNG, JPEG, WEBP or GIF, up to 10 MB; sent with the next message.'));
    this.image.addEventListener('change', () => { this.imageName.textContent = this.image.files[0]?.name ?? ''; });
    this.deployment.addEventListener('change', () => this.showImageField());
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
      this.imageField,
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
    this.showImageField();
  }

  /** The image attachment only for a deployment that sees images; switching away drops an attached file. */
  showImageField() {
    const selected = this.deployments.find(d => d.name === this.deployment.value);
    const vision = seesImages(selected);
    this.imageField.hidden = !vision;
    if (!vision) { this.image.value = ''; this.imageName.textContent = ''; }
  }

  clear() {
    this.history = [];
    this.log.replaceChildren();
    this.ctx.announce('Conversation cleared.');
  }

  bubble(role, text, imageUrl) {
    const content = h('span', {class: 'content'}, text);
    const li = h('li', {class: role}, h('span', {class: 'role'}, role === 'user' ? 'You' : 'Assistant'), content);
    if (imageUrl) li.append(h('img', {class: 'attached', src: imageUrl, alt: 'Attached image'}));
    this.log.append(li);
    li.scrollIntoView({block: 'nearest'});
    return {li, content};
  }

  async submit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text || this.stopper || !this.form.reportValidity()) return;
    this.error.replaceChildren();
    const file = this.imageField.hidden ? null : this.image.files[0];
    let imageUrl = null;
    if (file) {
      try {
        imageUrl = await readImage(file);
      } catch (e) {
        return fill(this.error, errorBox(e));
      }
    }
    this.history.push({role: 'user', content: userContent(text, imageUrl)});
    this.bubble('user', text, imageUrl);
    this.input.value = '';
    this.image.value = '';
    this.imageName.textContent = '';
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
