// The API as the console uses it: every call carries the party's token; errors are the problem+json the silo sends.

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  headers(extra) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async request(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: this.headers(body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'Silo unreachable', 'The silo does not answer. Is it running?');
    }
    if (response.ok) return response.status === 204 ? null : response.json();
    let problem = {};
    try { problem = await response.json(); } catch { /* not JSON: keep the status */ }
    throw new ApiError(response.status, problem.title, problem.detail);
  }

  get(path) { return this.request('GET', path); }

  post(path, body = {}) { return this.request('POST', path, body); }

  /**
   * The live stream (/api/stream) read with fetch, so the token travels in a header rather than in the URL.
   * Reconnects with back-off; onState('live' | 'reconnecting' | 'denied'); resolves when the signal aborts.
   */
  async stream(onEvent, onState, signal) {
    let delay = 1000;
    while (!signal.aborted) {
      try {
        const response = await fetch('/api/stream', { headers: this.headers({ Accept: 'text/event-stream' }), signal });
        if (response.status === 401 || response.status === 403) { onState('denied'); return; }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        onState('live');
        delay = 1000;
        await readEvents(response.body, onEvent);
      } catch (error) {
        if (signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise(resolve => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) {
        try { onEvent(event, JSON.parse(data.join('\n'))); } catch { /* one bad event must not end the stream */ }
      }
    }
  }
}
