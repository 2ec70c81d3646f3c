// A small client for the signaling protocol (docs/protocol.md), usable by any web app:
//
//   import { SignalingClient } from '/signaling-client.js';
//   const client = new SignalingClient('wss://signal.example.org/ws');
//   client.on('video-offer', (message) => ...);
//   await client.connect();
//   const { iceServers } = await client.login('alice');
//   await client.join('lobby');
//   await client.request({ type: 'video-offer', target: 'bob', sdp });
//
// The connection comes back by itself after a drop (jittered exponential backoff), logs in again under
// the same name and rejoins the rooms it was in; 'reconnecting' and 'reconnected' tell the app, and
// 'rejoin-failed' tells it of a room that no longer takes it (full, or too many rooms). A node
// that shuts down sends 'go-away' first: the client then reconnects (to whichever node the address
// leads to) after the delay the node asked for instead of its backoff.
// On nodes that require JSON Web Tokens, the `token` option supplies one for every login, reconnects
// included, and for renewing it before it expires.
// Where WebSockets are blocked (a proxy that refuses the upgrade, a middlebox that cuts the connection at
// once), the client falls back by itself to the node's HTTP transport: a stream of events, or long-polling
// where the stream does not get through. The `transport` option forces one or the other.
// No dependencies, no build step.

/** An error frame from the server, as an exception: `code` is one of the protocol's error codes. */
export class SignalingError extends Error {
  constructor(frame) {
    super(frame.message || frame.code);
    this.name = 'SignalingError';
    this.code = frame.code;
    this.frame = frame;
  }
}

const REPLY_TYPES = new Set(['ack', 'login-ok', 'joined', 'left', 'ice-servers']);
// Event names the client itself emits: a relayed frame of one of these types (anyone can send any type)
// is emitted as 'server-<type>' instead, so no peer can fake, say, a session replacement.
const LIFECYCLE_EVENTS = new Set(['open', 'close', 'reconnecting', 'reconnected', 'rejoin-failed',
  'session-replaced', 'transport']);
// Close codes after which reconnecting would only repeat the failure or fight a newer session
// (1008: replaced by a newer login, or no login in time). A token that expired is the exception when the
// client has a token provider: the reconnect logs in with a fresh one.
const FINAL_CLOSE_CODES = new Set([1008]);
// A token is renewed when this share of its remaining lifetime has passed.
const TOKEN_RENEWAL_POINT = 0.75;
const MIN_TOKEN_RENEWAL_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;
// A rejoin refused with one of these fails the same way at every attempt: the room is dropped instead of
// reconnecting over it forever.
const ROOM_REFUSALS = new Set(['room-full', 'too-many-rooms']);
const TRANSPORT_OPTIONS = new Set(['auto', 'websocket', 'http', 'long-poll']);
// A WebSocket that closes abnormally this soon after it opened, before anything came over it, was cut by
// something on the way: in 'auto', the client uses HTTP from then on.
const CUT_AT_ONCE_MS = 5000;
// Close codes of a connection that ended without a proper close: dropped, or refused by the endpoint.
const ABNORMAL_CLOSE_CODES = new Set([1002, 1006, 1015]);

export class SignalingClient {
  /**
   * @param {string} url the node's WebSocket endpoint, e.g. `ws://localhost:8080/ws`
   * @param {object} [options]
   * @param {boolean} [options.reconnect=true] reconnect after the connection drops
   * @param {number} [options.minDelayMs=500] first reconnect delay
   * @param {number} [options.maxDelayMs=15000] longest reconnect delay
   * @param {number} [options.requestTimeoutMs=10000] how long a request waits for its answer
   * @param {() => (string|Promise<string>)} [options.token] supplies a JSON Web Token; called for every
   *     login (each reconnect's too) and to renew the token before it expires
   * @param {'auto'|'websocket'|'http'|'long-poll'} [options.transport='auto'] 'auto': a WebSocket, and the
   *     HTTP transport when that cannot open or is cut at once; 'websocket' or 'http' only; 'long-poll': HTTP
   *     without even trying a stream
   * @param {string} [options.httpUrl] the node's HTTP transport, e.g. `https://signal.example.org/http`;
   *     by default `url` with http(s) for ws(s) and `/http` for a final `/ws`
   * @param {number} [options.websocketTimeoutMs=5000] how long a WebSocket may take to open ('auto')
   * @param {number} [options.streamTimeoutMs=3000] how long an HTTP stream may take to deliver its first
   *     bytes before the client long-polls instead (a proxy that buffers responses holds them back)
   */
  constructor(url, options = {}) {
    this.url = url;
    this.options = { reconnect: true, minDelayMs: 500, maxDelayMs: 15000, requestTimeoutMs: 10000, token: null,
      transport: 'auto', httpUrl: null, websocketTimeoutMs: 5000, streamTimeoutMs: 3000, ...options };
    if (!TRANSPORT_OPTIONS.has(this.options.transport)) {
      throw new TypeError(`transport must be one of ${[...TRANSPORT_OPTIONS].join(', ')}`);
    }
    this.name = null;
    this.rooms = new Set();
    this.iceServers = [];
    this.handlers = new Map();
    this.pending = new Map();
    this.nextId = 1;
    this.channel = null;
    // 'websocket', 'http-stream' or 'http-poll' while a connection is open or opening; null before.
    this.transport = null;
    // Learnt in 'auto' mode, and kept for the client's life: WebSockets do not get through, and neither do
    // HTTP streams.
    this.webSocketBlocked = false;
    this.streamBlocked = false;
    this.closedByUser = false;
    this.attempt = 0;
    this.reconnectTimer = null;
    this.goAwayDelayMs = null;
    this.renewalTimer = null;
  }

  /**
   * Opens the connection; resolves once it is open. Replaces a reconnect that is waiting for its turn. In
   * 'auto' mode, a WebSocket that cannot open is followed at once by an attempt over HTTP.
   */
  connect() {
    this.closedByUser = false;
    // Otherwise the waiting reconnect would open a second connection, whose login replaces this one's.
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    return this.openChannel().then(() => {
      this.emit('open', {});
    }, ({ channel, event }) => {
      if (this.channel === channel) {
        this.onClose(event);
      }
      throw new SignalingError({ code: 'connection-failed', message: `closed with ${event.code}` });
    });
  }

  /** Opens a WebSocket or an HTTP session, as the `transport` option and what was learnt so far say. */
  async openChannel() {
    const mode = this.options.transport;
    let webSocketFailure = null;
    if (mode === 'websocket' || (mode === 'auto' && !this.webSocketBlocked)) {
      try {
        await this.attach(new WebSocketChannel(this.url,
          mode === 'auto' ? this.options.websocketTimeoutMs : 0));
        return;
      } catch (failure) {
        if (mode === 'websocket') {
          throw failure;
        }
        webSocketFailure = failure;
      }
    }
    await this.attach(new HttpChannel(this.options.httpUrl || httpUrlFor(this.url), {
      longPoll: mode === 'long-poll' || this.streamBlocked,
      streamTimeoutMs: this.options.streamTimeoutMs,
    }));
    if (webSocketFailure) {
      // The node answers over HTTP, so it was the WebSocket that did not get through.
      this.webSocketBlocked = true;
    }
  }

  /** Makes `channel` the connection and opens it; rejects with `{channel, event}` if it closes first. */
  attach(channel) {
    this.channel = channel;
    return new Promise((resolve, reject) => {
      let opened = false;
      channel.onopen = () => {
        opened = true;
        this.setTransport(channel.kind);
        resolve();
      };
      channel.onframe = (frame) => {
        if (this.channel === channel) {
          this.onFrame(frame);
        }
      };
      channel.ontransport = (kind) => {
        if (kind === 'http-poll' && this.options.transport === 'auto') {
          this.streamBlocked = true;
        }
        if (this.channel === channel) {
          this.setTransport(kind);
        }
      };
      channel.onclose = (event) => {
        if (!opened) {
          reject({ channel, event });
          return;
        }
        if (event.cutAtOnce && this.options.transport === 'auto') {
          this.webSocketBlocked = true;
        }
        if (this.channel === channel) {
          this.onClose(event);
        }
      };
      channel.open();
    });
  }

  setTransport(kind) {
    if (this.transport !== kind) {
      this.transport = kind;
      this.emit('transport', { transport: kind });
    }
  }

  /**
   * Logs in; resolves with the `login-ok` frame, whose `iceServers` are for RTCPeerConnection. With a
   * `token` option the login carries a fresh token, and `name` may be left out: the token names the user.
   */
  async login(name) {
    const message = { type: 'login', name };
    const token = this.options.token ? await this.options.token() : null;
    if (token !== null) {
      message.token = token;
    }
    const ok = await this.request(message);
    this.name = ok.name;
    this.iceServers = ok.iceServers || [];
    this.scheduleTokenRenewal(token);
    return ok;
  }

  /** Fetches ICE servers with fresh TURN credentials (they expire); resolves with the array. */
  async refreshIceServers() {
    const answer = await this.request({ type: 'ice-servers' });
    this.iceServers = answer.iceServers || [];
    return this.iceServers;
  }

  /** Joins a room; resolves with the `joined` frame and its `users`. */
  async join(room) {
    const joined = await this.request({ type: 'join', room });
    this.rooms.add(room);
    return joined;
  }

  async leave(room) {
    this.rooms.delete(room);
    return this.request({ type: 'leave', room });
  }

  /** Sends without waiting: the server answers only if something is wrong (an 'error' event). */
  send(message) {
    if (!this.isOpen()) {
      throw new SignalingError({ code: 'not-connected', message: 'The signaling connection is not open.' });
    }
    this.channel.send(JSON.stringify(message));
  }

  /**
   * Sends with an `id` and resolves with the server's answer (`ack`, `login-ok`, `joined`, `left`), or
   * rejects with a SignalingError (`peer-unavailable`, `not-in-room`, ...).
   */
  request(message) {
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError({ code: 'timeout', message: `No answer to ${message.type} in time.` }));
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.send({ ...message, id });
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      }
    });
  }

  /**
   * Calls `handler(message)` for every frame of `type`; '*' for every frame. Lifecycle events: 'open',
   * 'close' ({code, reason, willReconnect}), 'reconnecting' ({delayMs, attempt}), 'reconnected',
   * 'rejoin-failed' ({room, code, message}), 'transport' ({transport}), and 'error' for server errors that
   * answer no request.
   * Returns a function that removes the handler.
   */
  on(type, handler) {
    if (!this.handlers.has(type)) {
      this.handlers.set(type, new Set());
    }
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }

  isOpen() {
    return this.channel !== null && this.channel.isOpen();
  }

  /** Ends the session on the server (presence and rooms are left at once) and closes for good. */
  logout() {
    if (this.isOpen()) {
      this.channel.send(JSON.stringify({ type: 'logout' }));
    }
    this.close();
  }

  /** Closes for good: no reconnect. */
  close() {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.renewalTimer);
    if (this.channel) {
      this.channel.close(1000, 'bye');
    }
  }

  /** Calls the handlers of `type`, then the '*' handlers, which get the type as a second argument. */
  emit(type, message) {
    for (const key of [type, '*']) {
      for (const handler of this.handlers.get(key) || []) {
        try {
          handler(message, type);
        } catch (error) {
          console.error(`handler for ${type} failed`, error);
        }
      }
    }
  }

  onFrame(frame) {
    if (frame.type === 'go-away') {
      this.goAwayDelayMs = Number(frame.reconnectAfterMs) || 0;
    }
    if (frame.type === 'error' && frame.code === 'session-replaced') {
      // A newer login took the name: reconnecting would only take it back.
      this.closedByUser = true;
      this.emit('session-replaced', frame);
      return;
    }
    const answered = this.settle(frame);
    if (!answered || frame.type !== 'error') {
      this.emit(LIFECYCLE_EVENTS.has(frame.type) ? `server-${frame.type}` : frame.type, frame);
    }
  }

  /** Completes the request this frame answers; true if it answered one. */
  settle(frame) {
    const key = REPLY_TYPES.has(frame.type) ? frame.id : frame.type === 'error' ? frame.ref : undefined;
    const waiting = key !== undefined && this.pending.get(key);
    if (!waiting) {
      return false;
    }
    this.pending.delete(key);
    clearTimeout(waiting.timer);
    if (frame.type === 'error') {
      waiting.reject(new SignalingError(frame));
    } else {
      waiting.resolve(frame);
    }
    return true;
  }

  onClose(event) {
    clearTimeout(this.renewalTimer);
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new SignalingError({ code: 'connection-closed', message: 'The connection closed.' }));
      this.pending.delete(id);
    }
    const final = FINAL_CLOSE_CODES.has(event.code)
      && !(event.reason === 'token-expired' && this.options.token && this.name);
    const willReconnect = this.options.reconnect && !this.closedByUser && !final;
    this.emit('close', { code: event.code, reason: event.reason, willReconnect });
    if (willReconnect) {
      this.scheduleReconnect();
    }
  }

  scheduleReconnect() {
    this.attempt += 1;
    let delayMs;
    if (this.goAwayDelayMs !== null) {
      // The node that closed asked for this delay (it spreads its clients' returns itself).
      delayMs = this.goAwayDelayMs;
      this.goAwayDelayMs = null;
    } else {
      const ceiling = Math.min(this.options.maxDelayMs, this.options.minDelayMs * 2 ** (this.attempt - 1));
      // Equal jitter: never sooner than half the ceiling, so failures back off, and spread over the other
      // half, so clients dropped together by one node do not come back together.
      delayMs = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    }
    this.emit('reconnecting', { delayMs, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => this.reconnect(), delayMs);
  }

  async reconnect() {
    try {
      await this.connect();
      if (this.name) {
        await this.login(this.name);
        for (const room of [...this.rooms]) {
          await this.rejoin(room);
        }
      }
      // Only a reconnect that got all the way back resets the backoff: a node that accepts connections
      // but refuses logins must not be retried at the shortest delay forever.
      this.attempt = 0;
      this.emit('reconnected', { name: this.name, rooms: [...this.rooms] });
    } catch (error) {
      if (this.isOpen()) {
        this.channel.close(4000, 'reconnect failed');
      }
      // The close handler schedules the next attempt.
    }
  }

  /**
   * Sends a fresh token before `token` expires, and again before that one does. A renewal that fails
   * (the provider, or the node refusing the token) is not retried: the node then closes the connection
   * with `token-expired`, and the reconnect logs in with a fresh token.
   */
  scheduleTokenRenewal(token) {
    clearTimeout(this.renewalTimer);
    const expiresAt = token === null ? null : tokenExpiry(token);
    if (expiresAt === null) {
      return;
    }
    const delayMs = Math.min(MAX_TIMER_MS,
      Math.max(MIN_TOKEN_RENEWAL_MS, (expiresAt - Date.now()) * TOKEN_RENEWAL_POINT));
    const channel = this.channel;
    this.renewalTimer = setTimeout(async () => {
      try {
        const fresh = await this.options.token();
        if (this.channel !== channel || !this.isOpen()) {
          return;
        }
        await this.request({ type: 'token', token: fresh });
        this.scheduleTokenRenewal(fresh);
      } catch (error) {
        console.warn('could not renew the token', error);
      }
    }, delayMs);
  }

  /** Joins a room again after a reconnect; a room that refuses the session is dropped, not retried. */
  async rejoin(room) {
    try {
      await this.join(room);
    } catch (error) {
      if (!ROOM_REFUSALS.has(error.code)) {
        throw error;
      }
      this.rooms.delete(room);
      this.emit('rejoin-failed', { room, code: error.code, message: error.message });
    }
  }
}

/** When a JSON Web Token expires, in milliseconds since the epoch, from its `exp` claim; null without one. */
function tokenExpiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload));
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The HTTP transport's address that goes with a WebSocket URL: `wss://host/ws` → `https://host/http`. */
function httpUrlFor(webSocketUrl) {
  const url = new URL(webSocketUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/\/ws\/?$/, '') + '/http';
  url.search = '';
  return url.href.replace(/\/$/, '');
}

function parseFrame(text) {
  try {
    return JSON.parse(text);
  } catch {
    // Frames that are not JSON are ignored.
    return null;
  }
}

// ---- what carries the frames ------------------------------------------------------------------------------
//
// A channel opens, carries frames each way and closes once: `open()`, `send(text)`, `close(code, reason)`,
// `isOpen()`, and the callbacks `onopen()`, `onframe(frame)`, `ontransport(kind)` and
// `onclose({code, reason, cutAtOnce?})`, which comes once, also when it never opened.

class WebSocketChannel {
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

class HttpChannel {
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
