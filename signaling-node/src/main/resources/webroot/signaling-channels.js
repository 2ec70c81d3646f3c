// What carries the signaling client's frames (signaling-client.js): a WebSocket, or the node's HTTP
// transport where WebSockets do not get through.
//
// A channel opens, carries frames each way and closes once: `open()`, `send(text)`, `close(code, reason)`,
// `isOpen()`, and the callbacks `onopen()`, `onframe(frame)`, `ontransport(kind)` and
// `onclose({code, reason, cutAtOnce?})`, which comes once, also when it never opened.

// A WebSocket that closes abnormally this soon after it opened, before anything came over it, was cut by
// something on the way: in 'auto', the client uses HTTP from then on.
const CUT_AT_ONCE_MS = 5000;
// Close codes of a connection that ended without a proper close: dropped, or refused by the endpoint.
const ABNORMAL_CLOSE_CODES = new Set([1002, 1006, 1015]);

export class WebSocketChannel {
  /** @param {number} timeoutMs how long it may take to open; 0 for as long as the runtime waits */
  constructor(url, timeoutMs) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.kind = 'websocket';
    this.socket = null;
  }

  open() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let openedAt = null;
    let heard = false;
    let ended = false;
    const end = (event) => {
      if (ended) {
        return;
      }
      ended = true;
      clearTimeout(timer);
      const cutAtOnce = openedAt !== null && !heard && ABNORMAL_CLOSE_CODES.has(event.code)
        && Date.now() - openedAt < CUT_AT_ONCE_MS;
      this.onclose({ code: event.code, reason: event.reason, cutAtOnce });
    };
    const timer = this.timeoutMs > 0 ? setTimeout(() => {
      if (openedAt === null) {
        socket.close();
        end({ code: 1006, reason: 'connection timed out' });
      }
    }, this.timeoutMs) : null;
    socket.onopen = () => {
      openedAt = Date.now();
      clearTimeout(timer);
      this.onopen();
    };
    socket.onmessage = (event) => {
      heard = true;
      const frame = parseFrame(event.data);
      if (frame !== null) {
        this.onframe(frame);
      }
    };
    socket.onclose = end;
    // Some runtimes report a refused or rejected connection only as an error, never as a close.
    socket.onerror = () => {
      if (socket.readyState !== WebSocket.OPEN) {
        end({ code: 1006, reason: 'connection failed' });
      }
    };
  }

  send(text) {
    this.socket.send(text);
  }

  close(code, reason) {
    this.socket.close(code, reason);
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }
}

// The HTTP transport (docs/protocol.md, "The HTTP transport"): frames go up in posts, one at a time and
// numbered, so that a post sent again after a failure is read once; they come down on a stream of
// Server-Sent Events read with fetch, or by long-polling, each request asking for the frames after the last
// one received, so that nothing is lost with a response that never arrived. Any node may take any request.
const KEY_HEADER = 'X-Signaling-Session-Key';
// Requests that fail in a row (the network, a node going away) before the session counts as lost. The node
// closes a session that has heard nothing for its idle time (30 s by default) anyway.
const MAX_HTTP_FAILURES = 20;
// A stream says something at least every 15 s; one silent for longer than this has died on the way.
const STREAM_SILENCE_MS = 40000;
// A poll waits up to 20 s at the node.
const POLL_TIMEOUT_MS = 35000;
// Frames received but not yet acknowledged, in characters, after which an empty post acknowledges them,
// so that the node need not keep them.
const ACK_AFTER_CHARS = 16384;

export class HttpChannel {
  /**
   * @param {string} baseUrl the node's HTTP transport, e.g. `https://signal.example.org/http`
   * @param {{longPoll: boolean, streamTimeoutMs: number}} options
   */
  constructor(baseUrl, { longPoll, streamTimeoutMs }) {
    this.base = baseUrl;
    this.kind = longPoll ? 'http-poll' : 'http-stream';
    this.streamTimeoutMs = streamTimeoutMs;
    this.session = null;
    this.key = null;
    this.opened = false;
    this.ended = false;
    this.received = 0;
    this.unackedChars = 0;
    this.nextPost = 0;
    this.outbox = [];
    this.posting = false;
    this.inFlight = false;
    this.failures = 0;
    this.downstream = null;
    this.closeReported = false;
  }

  async open() {
    let created;
    try {
      const response = await fetch(`${this.base}/sessions`, { method: 'POST', cache: 'no-store' });
      if (response.status !== 201) {
        this.end({ code: 1006, reason: `HTTP ${response.status}` });
        return;
      }
      created = await response.json();
    } catch {
      this.end({ code: 1006, reason: 'connection failed' });
      return;
    }
    this.session = created.session;
    this.key = created.key;
    this.opened = true;
    this.onopen();
    if (this.kind === 'http-stream') {
      this.stream();
    } else {
      this.poll();
    }
  }

  isOpen() {
    return this.opened && !this.ended;
  }

  send(text) {
    this.outbox.push(text);
    if (!this.posting) {
      // Frames sent in the same turn go up in one post.
      this.posting = true;
      queueMicrotask(() => this.flush());
    }
  }

  close(code, reason) {
    if (this.ended) {
      return;
    }
    if (this.opened) {
      // Frames sent just before (a logout) go first; then the session ends at once, as closing a WebSocket
      // ends it. Both are kept alive through a page's unload.
      // Numbered after a post still on its way.
      const seq = this.nextPost + (this.inFlight ? 1 : 0);
      const last = this.outbox.length === 0 ? Promise.resolve()
        : fetch(this.url(`/send?seq=${seq}&ack=${this.received}`), {
          method: 'POST', headers: { [KEY_HEADER]: this.key }, body: this.outbox.join('\n'), keepalive: true,
        }).catch(() => {});
      this.outbox = [];
      last.then(() => fetch(this.url(''), { method: 'DELETE', headers: { [KEY_HEADER]: this.key },
        keepalive: true })).catch(() => {});
    }
    // As a WebSocket reports its own close: afterwards, never during the call.
    setTimeout(() => this.end({ code, reason }), 0);
    this.ended = true;
    this.abortDownstream();
  }

  url(path) {
    return `${this.base}/sessions/${this.session}${path}`;
  }

  request(method, path, body, signal) {
    const headers = { [KEY_HEADER]: this.key };
    if (body !== undefined) {
      headers['Content-Type'] = 'text/plain;charset=utf-8';
    }
    return fetch(this.url(path), { method, headers, body, cache: 'no-store', signal });
  }

  flush() {
    if (this.ended) {
      return;
    }
    if (this.outbox.length === 0 && this.unackedChars < ACK_AFTER_CHARS) {
      this.posting = false;
      return;
    }
    this.posting = true;
    const body = this.outbox.join('\n');
    this.outbox = [];
    this.post(body, 0);
  }

  async post(body, attempt) {
    const ack = this.received;
    let status = 0;
    let answer = null;
    this.inFlight = true;
    try {
      const response = await this.request('POST', `/send?seq=${this.nextPost}&ack=${ack}`, body,
        AbortSignal.timeout(POLL_TIMEOUT_MS));
      status = response.status;
      answer = status === 204 ? null : await response.json().catch(() => null);
    } catch {
      status = 0;
    }
    this.inFlight = false;
    if (this.ended) {
      return;
    }
    if (status === 204) {
      this.nextPost += 1;
      if (ack === this.received) {
        this.unackedChars = 0;
      }
      this.flush();
    } else if (status === 410 && answer && answer.close) {
      this.end(answer.close);
    } else if ([400, 401, 403, 404, 409].includes(status) || attempt >= MAX_HTTP_FAILURES) {
      this.end({ code: 1006, reason: 'session lost' });
    } else {
      // Lost on the way, or the node was busy: the same post again, which the node reads at most once.
      setTimeout(() => this.post(body, attempt + 1), retryDelay(attempt));
    }
  }

  deliver(id, data) {
    this.received = Number(id);
    this.unackedChars += data.length;
    const frame = parseFrame(data);
    if (frame !== null) {
      this.onframe(frame);
    }
    if (this.unackedChars >= ACK_AFTER_CHARS && !this.posting && !this.ended) {
      this.posting = true;
      queueMicrotask(() => this.flush());
    }
  }

  async stream() {
    const controller = new AbortController();
    this.downstream = controller;
    let flowing = false;
    let silence = null;
    const stall = setTimeout(() => {
      // Nothing came, not even the opening comment: a proxy holds the stream back. Poll instead.
      if (!flowing && !this.ended && this.downstream === controller) {
        controller.abort();
        this.kind = 'http-poll';
        this.ontransport(this.kind);
        this.poll();
      }
    }, this.streamTimeoutMs);
    const quiet = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(), STREAM_SILENCE_MS);
    };
    let status = 0;
    try {
      const response = await this.request('GET', `/stream?ack=${this.received}`, undefined, controller.signal);
      status = response.status;
      if (status === 200) {
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        quiet();
        for (;;) {
          const { value, done } = await reader.read();
          if (done || this.ended) {
            break;
          }
          if (!flowing) {
            flowing = true;
            clearTimeout(stall);
            this.failures = 0;
          }
          quiet();
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0 && !this.ended) {
            this.event(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      }
    } catch {
      // Cut, timed out or aborted: decided below.
    }
    clearTimeout(stall);
    clearTimeout(silence);
    if (this.ended || this.downstream !== controller) {
      return;
    }
    if (status === 200 && flowing) {
      // A stream that flowed and ended (a proxy's limit, a node going away): the session goes on.
      this.stream();
    } else {
      this.downstreamFailed(status, () => this.stream());
    }
  }

  event(text) {
    let type = null;
    let id = null;
    let data = null;
    for (const line of text.split('\n')) {
      if (line.startsWith('event: ')) {
        type = line.slice(7);
      } else if (line.startsWith('id: ')) {
        id = line.slice(4);
      } else if (line.startsWith('data: ')) {
        data = line.slice(6);
      }
    }
    if (type === 'close') {
      this.end(JSON.parse(data));
    } else if (data !== null && id !== null) {
      this.deliver(id, data);
    }
  }

  async poll() {
    const controller = new AbortController();
    this.downstream = controller;
    while (!this.ended && this.downstream === controller) {
      let status = 0;
      let answer = null;
      try {
        const response = await this.request('GET', `/poll?ack=${this.received}`, undefined,
          AbortSignal.any ? AbortSignal.any([controller.signal, AbortSignal.timeout(POLL_TIMEOUT_MS)])
            : controller.signal);
        status = response.status;
        answer = status === 200 ? await response.json() : null;
      } catch {
        status = 0;
      }
      if (this.ended || this.downstream !== controller) {
        return;
      }
      if (status !== 200) {
        this.downstreamFailed(status, () => this.poll());
        return;
      }
      this.failures = 0;
      for (const frame of answer.frames) {
        if (this.ended) {
          return;
        }
        this.onframe(frame);
      }
      this.received = answer.last;
      if (answer.close) {
        this.end(answer.close);
      }
    }
  }

  downstreamFailed(status, retry) {
    this.failures += 1;
    if (status === 404 || status === 401 || status === 403 || this.failures > MAX_HTTP_FAILURES) {
      this.end({ code: 1006, reason: 'session lost' });
    } else {
      setTimeout(() => {
        if (!this.ended) {
          retry();
        }
      }, retryDelay(this.failures - 1));
    }
  }

  abortDownstream() {
    if (this.downstream) {
      this.downstream.abort();
      this.downstream = null;
    }
  }

  end(event) {
    if (this.closeReported) {
      return;
    }
    this.closeReported = true;
    this.ended = true;
    this.abortDownstream();
    this.onclose({ code: event.code, reason: event.reason || '' });
  }
}

/** 250 ms, then longer, up to 2 s: a node that is away for a moment is asked again soon, a dead one rarely. */
function retryDelay(attempt) {
  return Math.min(2000, 250 * 2 ** Math.min(attempt, 3));
}

function parseFrame(text) {
  try {
    return JSON.parse(text);
  } catch {
    // Frames that are not JSON are ignored.
    return null;
  }
}
