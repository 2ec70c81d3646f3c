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
// The connection comes back by itself after a drop (jittered exponential backoff). On a node that resumes
// sessions, a reconnect within the window takes the same session over, rooms and held messages included
// ('resumed'); otherwise it logs in again under the same name and rejoins the rooms it was in.
// 'reconnecting' and 'reconnected' tell the app, and 'rejoin-failed' tells it of a room that no longer
// takes it (full, or too many rooms). A node that shuts down sends 'go-away' first: the client then
// reconnects after the delay the node asked for instead of its backoff. Given several nodes' addresses, it
// tries them in turn, starting after the one that dropped it.
// On nodes that require JSON Web Tokens, the `token` option supplies one for every login, reconnects
// included, and for renewing it before it expires.
// Where WebSockets are blocked (a proxy that refuses the upgrade, a middlebox that cuts the connection at
// once), the client falls back by itself to the node's HTTP transport: a stream of events, or long-polling
// where the stream does not get through. The `transport` option forces one or the other.
// No dependencies, no build step; what carries the frames is in signaling-channels.js, next to this file.

import { HttpChannel, WebSocketChannel } from './signaling-channels.js';

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
const LIFECYCLE_EVENTS = new Set(['open', 'close', 'reconnecting', 'reconnected', 'resumed', 'rejoin-failed',
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

export class SignalingClient {
  /**
   * @param {string|string[]} url the node's WebSocket endpoint, e.g. `ws://localhost:8080/ws`; or several
   *     nodes' endpoints: a connection goes to the first that opens, starting with the one in use, and a
   *     reconnect starts with the one after the endpoint that dropped it
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
   *     by default the endpoint in use with http(s) for ws(s) and `/http` for a final `/ws`
   * @param {number} [options.websocketTimeoutMs=5000] how long a WebSocket may take to open ('auto')
   * @param {number} [options.streamTimeoutMs=3000] how long an HTTP stream may take to deliver its first
   *     bytes before the client long-polls instead (a proxy that buffers responses holds them back)
   */
  constructor(url, options = {}) {
    this.urls = Array.isArray(url) ? [...url] : [url];
    if (this.urls.length === 0) {
      throw new TypeError('url must name at least one endpoint');
    }
    // The endpoint in use, or tried first by the next connect().
    this.url = this.urls[0];
    this.options = { reconnect: true, minDelayMs: 500, maxDelayMs: 15000, requestTimeoutMs: 10000, token: null,
      transport: 'auto', httpUrl: null, websocketTimeoutMs: 5000, streamTimeoutMs: 3000, ...options };
    if (!TRANSPORT_OPTIONS.has(this.options.transport)) {
      throw new TypeError(`transport must be one of ${[...TRANSPORT_OPTIONS].join(', ')}`);
    }
    this.name = null;
    this.node = null;
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
    // From the latest login-ok (docs/protocol.md, "Resuming a session"): the token that takes the session
    // over on a new connection, for resumeSeconds after its connection was lost (droppedAt).
    this.resumeToken = null;
    this.resumeSeconds = 0;
    this.droppedAt = null;
  }

  /**
   * Opens the connection; resolves once it is open. Replaces a reconnect that is waiting for its turn. In
   * 'auto' mode, a WebSocket that cannot open is followed at once by an attempt over HTTP. With several
   * endpoints, each is tried once, starting with `url`.
   */
  connect() {
    this.closedByUser = false;
    // Otherwise the waiting reconnect would open a second connection, whose login replaces this one's.
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    return this.openFirst().then(() => {
      this.emit('open', {});
    }, ({ channel, event }) => {
      if (this.channel === channel) {
        this.onClose(event);
      }
      throw new SignalingError({ code: 'connection-failed', message: `closed with ${event.code}` });
    });
  }

  /** Opens a channel to the first endpoint that takes it, from `url` on; rejects as openChannel() does. */
  async openFirst() {
    const start = this.urls.indexOf(this.url);
    let failure = null;
    for (let i = 0; i < this.urls.length; i++) {
      this.url = this.urls[(start + i) % this.urls.length];
      try {
        return await this.openChannel();
      } catch (failed) {
        failure = failed;
      }
    }
    // None answered: the next attempt starts where this one did.
    this.url = this.urls[start];
    throw failure;
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
          this.onClose(event, { dropped: true });
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
   * A fresh session: only a reconnect resumes one.
   */
  login(name) {
    return this.logIn(name, null);
  }

  /** Logs in, taking over the session that `resumeToken` names if it is not null and still resumable. */
  async logIn(name, resumeToken) {
    const message = { type: 'login', name };
    const token = this.options.token ? await this.options.token() : null;
    if (token !== null) {
      message.token = token;
    }
    if (resumeToken !== null) {
      message.resume = resumeToken;
    }
    const ok = await this.request(message);
    this.name = ok.name;
    this.node = ok.node ?? null;
    this.iceServers = ok.iceServers || [];
    this.resumeToken = ok.resume ?? null;
    this.resumeSeconds = Number(ok.resumeSeconds) || 0;
    this.droppedAt = null;
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
   * 'close' ({code, reason, willReconnect}), 'reconnecting' ({delayMs, attempt}), 'resumed' ({name, rooms}:
   * the reconnect took the session over), 'reconnected' ({name, rooms, resumed}), 'rejoin-failed'
   * ({room, code, message}), 'transport' ({transport}), and 'error' for server errors that answer no
   * request.
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
    this.resumeToken = null;
    this.close();
  }

  /** Closes for good: no reconnect, and the session ends. */
  close() {
    // On a node that resumes sessions, a connection that merely closes leaves its session away for the
    // window (online to the others, messages to it held): a logout ends it at once.
    if (this.resumeToken !== null && this.isOpen()) {
      this.channel.send(JSON.stringify({ type: 'logout' }));
    }
    this.resumeToken = null;
    this.droppedAt = null;
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
      this.resumeToken = null;
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

  /** The connection closed: `dropped` if it had been open, not an attempt to open one that failed. */
  onClose(event, { dropped = false } = {}) {
    clearTimeout(this.renewalTimer);
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new SignalingError({ code: 'connection-closed', message: 'The connection closed.' }));
      this.pending.delete(id);
    }
    const final = FINAL_CLOSE_CODES.has(event.code)
      && !(event.reason === 'token-expired' && this.options.token && this.name);
    const willReconnect = this.options.reconnect && !this.closedByUser && !final;
    if (willReconnect && this.name !== null && this.droppedAt === null) {
      // The node counts the resume window from this moment or later (when it declares a dead node gone).
      this.droppedAt = Date.now();
    }
    if (willReconnect && dropped) {
      // That node died, restarts or drains; the next one is likelier to answer, and resumes as well.
      this.url = this.urls[(this.urls.indexOf(this.url) + 1) % this.urls.length];
    }
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
      let resumed = false;
      if (this.name) {
        resumed = (await this.logIn(this.name, this.resumableToken())).resumed === true;
        // A resumed session is still in its rooms: the node sends their 'joined' frames by itself.
        for (const room of resumed ? [] : [...this.rooms]) {
          await this.rejoin(room);
        }
      }
      // Only a reconnect that got all the way back resets the backoff: a node that accepts connections
      // but refuses logins must not be retried at the shortest delay forever.
      this.attempt = 0;
      if (resumed) {
        this.emit('resumed', { name: this.name, rooms: [...this.rooms] });
      }
      this.emit('reconnected', { name: this.name, rooms: [...this.rooms], resumed });
    } catch (error) {
      if (this.isOpen()) {
        this.channel.close(4000, 'reconnect failed');
      }
      // The close handler schedules the next attempt.
    }
  }

  /** The resume token while the lost session's window lasts, by this client's clock; null otherwise. */
  resumableToken() {
    const inWindow = this.droppedAt !== null && Date.now() - this.droppedAt < this.resumeSeconds * 1000;
    return inWindow ? this.resumeToken : null;
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
