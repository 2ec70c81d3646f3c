// The video-call page's entry: sign in (by name, or with the deployment's tokens), join a room, keep the
// list of who is here and the connection indicator, and hand the call messages to the call state machine
// (call-state.js), which drives the peer links (mesh.js) and the page (ui.js).

import config from './config.js';
import { Calls, MAX_GROUP } from './call-state.js';
import { SignalingClient, SignalingError } from './signaling-client.js';
import { tokenProvider } from './token-source.js';
import * as ui from './ui.js';

const { $ } = ui;
const NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const TRANSPORTS = ['auto', 'websocket', 'http', 'long-poll'];

const session = { client: null, name: null, room: null, users: [] };
// Each time the connection came back: {at, resumed, url}; for the tests and for debugging.
const reconnects = [];
const calls = new Calls(session, renderPeople);
const token = tokenProvider(config);

function init() {
  if (!window.isSecureContext) {
    ui.showAlert('This page is not served over HTTPS (or from localhost), so the browser will not allow its '
      + 'camera, microphone or calls. Open it through https:// to make calls.', { persistent: true });
  }
  const params = new URLSearchParams(location.search);
  $('room-input').value = params.get('room') || 'lobby';
  if (token) {
    ui.useTokenSignIn();
  } else if (params.get('name')) {
    $('name-input').value = params.get('name');
  }
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    start($('name-input').value.trim(), $('room-input').value.trim());
  });
  $('alert-close').addEventListener('click', () => { $('alert').hidden = true; });
  $('accept-button').addEventListener('click', () => calls.accept());
  $('reject-button').addEventListener('click', () => calls.decline());
  $('hangup-button').addEventListener('click', () => calls.hangUp());
  $('mute-button').addEventListener('click', () => calls.media.toggleMute());
  $('camera-button').addEventListener('click', () => calls.toggleCamera());
  $('group-call-button').addEventListener('click', () => calls.startGroup());
  $('call-by-name-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const peer = $('call-name-input').value.trim();
    if (peer === session.name) {
      ui.showAlert('That is you.');
    } else if (NAME_PATTERN.test(peer)) {
      calls.startDirect(peer, false);
    }
  });
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('chat-input').value.trim();
    if (text && calls.sendChat(text)) {
      $('chat-input').value = '';
    }
  });
  window.signalingApp = {
    peerConnections: () => calls.peerConnections(),
    reconnects: () => [...reconnects],
    signalingUrl: () => session.client?.url ?? null,
  };
}

// ---- signing in --------------------------------------------------------------------------------------------

async function start(name, room) {
  if ((!token && !NAME_PATTERN.test(name)) || !NAME_PATTERN.test(room)) {
    ui.showAlert('Names and rooms are 1-64 letters, digits or . _ - @');
    return;
  }
  $('join-button').disabled = true;
  const client = new SignalingClient(signalingUrls(), { token, transport: transportChoice() });
  session.client = client;
  wire(client);
  try {
    await client.connect();
    // With tokens, the token names the person.
    const ok = await client.login(token ? undefined : name);
    session.name = ok.name;
    session.room = room;
    const joined = await client.join(room);
    setUsers(joined.users);
  } catch (error) {
    client.close();
    session.client = null;
    $('join-button').disabled = false;
    ui.setConnection('offline', 'Offline');
    ui.setTransport(null);
    ui.showAlert(error instanceof SignalingError && error.code === 'connection-failed'
      ? 'Cannot reach the server. Is it running?' : ui.describe(error));
    return;
  }
  ui.clearAlert();
  const transport = new URLSearchParams(location.search).get('transport');
  history.replaceState(null, '',
    `?room=${encodeURIComponent(room)}${transport ? `&transport=${encodeURIComponent(transport)}` : ''}`);
  ui.showRoom(session.name, room);
  ui.setConnection('online', 'Connected');
}

// The nodes config.js lists, paths of this origin made absolute; by default the node the page came from.
function signalingUrls() {
  const listed = Array.isArray(config.signalingUrls) && config.signalingUrls.length > 0
    ? config.signalingUrls : ['/ws'];
  return listed.map((address) => {
    const url = new URL(address, location.href);
    url.protocol = { 'https:': 'wss:', 'http:': 'ws:' }[url.protocol] ?? url.protocol;
    return url.href;
  });
}

// The deployment's choice (config.js), unless the page's address asks for another: ?transport=http.
function transportChoice() {
  const asked = new URLSearchParams(location.search).get('transport') || config.transport || 'auto';
  return TRANSPORTS.includes(asked) ? asked : 'auto';
}

function wire(client) {
  client.on('transport', ({ transport }) => ui.setTransport(transport));
  client.on('joined', (frame) => frame.room === session.room && setUsers(frame.users));
  client.on('presence', onPresence);
  client.on('peer-left', onPeerLeft);
  client.on('error', (frame) => ui.showAlert(ui.describe(new SignalingError(frame))));
  client.on('close', ({ willReconnect }) => {
    if (willReconnect) {
      ui.setConnection('reconnecting', 'Reconnecting…');
    } else {
      ui.setConnection('offline', 'Offline');
      ui.setTransport(null);
    }
    renderPeople();
  });
  client.on('reconnecting', ({ delayMs }) => ui.setConnection('reconnecting',
    `Reconnecting in ${Math.ceil(delayMs / 1000)} s…`));
  // Resumed or not, the call goes on: its media never went through the node. A resumed session was away
  // for nobody (the others saw no offline, and what they sent meanwhile was held for it); a fresh one was
  // seen to leave and come back, and the call survives that while the link between the browsers is up.
  client.on('reconnected', ({ resumed }) => {
    reconnects.push({ at: Date.now(), resumed, url: client.url });
    ui.setConnection('online', 'Connected');
    renderPeople();
  });
  client.on('session-replaced', onSessionReplaced);
  client.on('rejoin-failed', onRejoinFailed);
  for (const [type, handler] of Object.entries(calls.handlers())) {
    client.on(type, handler);
  }
}

function onSessionReplaced() {
  backToSignIn();
  ui.showAlert(`You signed in as ${session.name} somewhere else, so this page was signed out.`);
}

// The connection came back but the room did not take us again (it filled up meanwhile): the page shows
// one room, so without it the person is sent back to the form, from which they can try again.
function onRejoinFailed({ room, code, message }) {
  if (room !== session.room) {
    return;
  }
  session.client.logout();
  backToSignIn();
  ui.showAlert(`The connection came back, but you could not rejoin ${room}: `
    + ui.describe(new SignalingError({ code, message })));
}

function backToSignIn() {
  calls.end(null);
  session.client = null;
  session.users = [];
  ui.showSignInForm();
  ui.setConnection('offline', 'Offline');
  ui.setTransport(null);
}

// ---- people in the room ---------------------------------------------------------------------------------------

function setUsers(users) {
  session.users = users.filter((user) => user !== session.name);
  session.users.forEach((user) => calls.peerOnline(user));
  renderPeople();
}

function onPresence(frame) {
  if (frame.room !== session.room) {
    return;
  }
  const others = session.users.filter((user) => user !== frame.name);
  session.users = frame.online ? [...others, frame.name] : others;
  renderPeople();
  if (frame.online) {
    calls.peerOnline(frame.name);
  } else {
    calls.peerOffline(frame.name);
  }
}

// For a partner outside the room (called by name), the only word that their session ended. For the room's
// members, presence says it, in order with their return, which peer-left is not.
function onPeerLeft({ name }) {
  if (!session.users.includes(name)) {
    calls.peerOffline(name);
  }
}

function renderPeople() {
  const canCall = calls.canCall();
  ui.renderPeople(session.users, {
    canCall,
    groupCall: canCall && session.users.length > 0 && session.users.length <= MAX_GROUP - 1,
    onCall: (user, audioOnly) => calls.startDirect(user, audioOnly),
  });
}

init();
