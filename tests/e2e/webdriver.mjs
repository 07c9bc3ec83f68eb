// A small W3C WebDriver client over fetch, enough to drive the real app through tauri-driver.
// Kept dependency-free on purpose: the protocol is plain HTTP + JSON.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {
  constructor(command, value) {
    super(`${command}: ${value?.error ?? 'error'}: ${value?.message ?? JSON.stringify(value)}`);
    this.value = value;
  }
}

async function request(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({ value: { error: `HTTP ${response.status}` } }));
  if (!response.ok) throw new WebDriverError(`${method} ${path}`, json.value);
  return json.value;
}

export class Session {
  /** Starts a session on the WebDriver server at `base` (e.g. http://127.0.0.1:4444). */
  static async start(base, capabilities) {
    const value = await request(base, 'POST', '/session', {
      capabilities: { alwaysMatch: capabilities },
    });
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  command(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Runs `script` (a function body) in the page; `arguments` holds `args`. */
  execute(script, ...args) {
    return this.command('POST', '/execute/sync', { script, args });
  }

  async find(css) {
    const found = await this.command('POST', '/elements', { using: 'css selector', value: css });
    return found.map((e) => e[ELEMENT]);
  }

  /** Clicks an element found by `find`, as a user would (scrolled into view first). */
  async clickElement(element) {
    await this.command('POST', `/element/${element}/click`, {});
  }

  /** Types `text` into an element found by `find`. */
  async typeInto(element, text) {
    await this.command('POST', `/element/${element}/value`, { text });
  }

  /** Polls `probe` until it returns a truthy value, or fails with `what` after `ms`. */
  async waitFor(what, probe, ms = 10_000) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) return last;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Presses and releases keys; `modifiers` are held meanwhile (e.g. [Keys.Control]). */
  async press(key, modifiers = []) {
    const actions = [
      ...modifiers.map((value) => ({ type: 'keyDown', value })),
      { type: 'keyDown', value: key },
      { type: 'keyUp', value: key },
      ...modifiers.reverse().map((value) => ({ type: 'keyUp', value })),
    ];
    await this.command('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.command('DELETE', '/actions');
  }

  /** Drags the mouse from one viewport point to another with the left button down. */
  async drag(from, to) {
    const move = (p, duration = 0) => ({ type: 'pointerMove', origin: 'viewport', x: Math.round(p.x), y: Math.round(p.y), duration });
    const actions = [
      move(from),
      { type: 'pointerDown', button: 0 },
      move({ x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 }, 50),
      move(to, 50),
      { type: 'pointerUp', button: 0 },
    ];
    await this.command('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }],
    });
    await this.command('DELETE', '/actions');
  }

  /** Moves the mouse to a viewport point, no button pressed. */
  async hover(point) {
    const actions = [{ type: 'pointerMove', origin: 'viewport', x: Math.round(point.x), y: Math.round(point.y), duration: 0 }];
    await this.command('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }],
    });
    await this.command('DELETE', '/actions');
  }

  /** Clicks at a viewport point. */
  async click(point) {
    await this.drag(point, point);
  }

  async screenshot() {
    return Buffer.from(await this.command('GET', '/screenshot'), 'base64');
  }

  async end() {
    await request(this.base, 'DELETE', `/session/${this.id}`).catch(() => {});
  }
}

export const Keys = {
  Control: '\uE009',
  Shift: '\uE008',
  Delete: '\uE017',
  Escape: '\uE00C',
  Alt: '\uE00A',
  Enter: '\uE007',
  Tab: '\uE004',
  ArrowUp: '\uE013',
  ArrowDown: '\uE015',
  ArrowLeft: '\uE012',
  ArrowRight: '\uE014',
  PageUp: '\uE00E',
  PageDown: '\uE00F',
  Home: '\uE011',
  End: '\uE010',
};
