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
  'session-replaced']);
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
   */
  constructor(url, options = {}) {
    this.url = url;
    this.options = { reconnect: true, minDelayMs: 500, maxDelayMs: 15000, requestTimeoutMs: 10000, token: null,
      ...options };
    this.name = null;
    this.rooms = new Set();
    this.iceServers = [];
    this.handlers = new Map();
    this.pending = new Map();
    this.nextId = 1;
    this.socket = null;
    this.closedByUser = false;
    this.attempt = 0;
    this.reconnectTimer = null;
    this.goAwayDelayMs = null;
    this.renewalTimer = null;
  }

  /** Opens the connection; resolves once it is open. Replaces a reconnect that is waiting for its turn. */
  connect() {
    this.closedByUser = false;
    // Otherwise the waiting reconnect would open a second connection, whose login replaces this one's.
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.onopen = () => {
        this.emit('open', {});
        resolve();
      };
      socket.onmessage = (event) => this.onFrame(event.data);
      let ended = false;
      const end = (event) => {
        if (ended) {
          return;
        }
        ended = true;
        if (this.socket === socket) {
          this.onClose(event);
        }
        reject(new SignalingError({ code: 'connection-failed', message: `closed with ${event.code}` }));
      };
      socket.onclose = end;
      // Some runtimes report a refused or rejected connection only as an error, never as a close.
      socket.onerror = () => {
        if (socket.readyState !== WebSocket.OPEN) {
          end({ code: 1006, reason: 'connection failed' });
        }
      };
    });
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
    this.socket.send(JSON.stringify(message));
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
   * 'rejoin-failed' ({room, code, message}), and 'error' for server errors that answer no request.
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
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /** Ends the session on the server (presence and rooms are left at once) and closes for good. */
  logout() {
    if (this.isOpen()) {
      this.socket.send(JSON.stringify({ type: 'logout' }));
    }
    this.close();
  }

  /** Closes for good: no reconnect. */
  close() {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.renewalTimer);
    if (this.socket) {
      this.socket.close(1000, 'bye');
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

  onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
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
        this.socket.close(4000, 'reconnect failed');
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
    const socket = this.socket;
    this.renewalTimer = setTimeout(async () => {
      try {
        const fresh = await this.options.token();
        if (this.socket !== socket || !this.isOpen()) {
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
