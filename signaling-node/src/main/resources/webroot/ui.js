// What the page shows: the banner, the call's status and notice lines, the connection indicator, the tab's
// title, the people list, the video tiles, the controls and the chat log. No call logic lives here: the
// other modules decide, this one renders. Every element the tests look for has a data-testid.

import { SignalingError } from './signaling-client.js';

export const $ = (testId) => document.querySelector(`[data-testid="${testId}"]`);

const TITLE = 'Rendezvous — video calls';

// ---- banner, status, notice, indicator, title ---------------------------------------------------------

let alertPersistent = false;

/**
 * Shows a problem in the banner until it is closed, replaced, or a later action succeeds
 * ({@link clearAlert}); a persistent one (the page cannot make calls at all) outlives those successes.
 */
export function showAlert(text, { persistent = false } = {}) {
  $('alert-text').textContent = text;
  $('alert').hidden = false;
  alertPersistent = persistent;
}

/** Something the person did has worked: the banner about an earlier failure no longer applies. */
export function clearAlert() {
  if (!alertPersistent) {
    $('alert').hidden = true;
  }
}

export function setStatus(text, phase) {
  $('call-status').textContent = text;
  $('call-status').dataset.state = phase;
}

/** A line under the status for what happened to one participant of a call that goes on. */
export function showNotice(text) {
  $('call-notice').textContent = text;
  $('call-notice').hidden = false;
}

export function clearNotice() {
  $('call-notice').hidden = true;
  $('call-notice').textContent = '';
}

export function setConnection(connectionState, text) {
  $('connection').dataset.state = connectionState;
  $('connection').textContent = text;
}

const TRANSPORT_NAMES = {
  websocket: 'WebSocket',
  'http-stream': 'HTTP streaming',
  'http-poll': 'HTTP long-polling',
};

/** What carries the signaling (the client's `transport`), next to the indicator; null hides it. */
export function setTransport(transport) {
  $('transport').hidden = !transport;
  $('transport').dataset.transport = transport || '';
  $('transport').textContent = transport ? `via ${TRANSPORT_NAMES[transport] || transport}` : '';
}

export function setIncomingTitle(incoming) {
  document.title = incoming ? 'Incoming call — Rendezvous' : TITLE;
}

// ---- sign-in and the room -----------------------------------------------------------------------------

/** With tokens the deployment's sign-in names the person, so the form asks only for the room. */
export function useTokenSignIn() {
  $('name-field').hidden = true;
  $('name-input').required = false;
  $('token-hint').hidden = false;
}

export function showRoom(name, room) {
  $('login-form').hidden = true;
  $('workspace').hidden = false;
  $('room-name').textContent = room;
  $('whoami').textContent = `Signed in as ${name}`;
  $('whoami').title = name;
  $('whoami').hidden = false;
}

export function showSignInForm() {
  $('workspace').hidden = true;
  $('whoami').hidden = true;
  $('login-form').hidden = false;
  $('join-button').disabled = false;
}

/**
 * @param {string[]} users the others in the room
 * @param {object} options canCall: a call may start now; groupCall: "Call everyone here" is possible;
 *     onCall(user, audioOnly): a Call or Voice button was clicked
 */
export function renderPeople(users, { canCall, groupCall, onCall }) {
  $('user-list').replaceChildren(...users.map((user) => {
    const item = document.createElement('li');
    item.dataset.testid = `user-${user}`;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = user;
    name.title = user;
    item.append(name, callButton(user, false, canCall, onCall), callButton(user, true, canCall, onCall));
    return item;
  }));
  $('nobody').hidden = users.length > 0;
  $('group-call-button').disabled = !groupCall;
  $('call-name-button').disabled = !canCall;
}

function callButton(user, audioOnly, enabled, onCall) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = audioOnly ? 'Voice' : 'Call';
  button.dataset.testid = `${audioOnly ? 'voice' : 'call'}-${user}`;
  button.setAttribute('aria-label', `${audioOnly ? 'Voice call' : 'Video call'} ${user}`);
  button.disabled = !enabled;
  button.addEventListener('click', () => onCall(user, audioOnly));
  return button;
}

// ---- the call area -------------------------------------------------------------------------------------

export function showIncoming() {
  $('incoming').hidden = false;
  $('accept-button').focus();
}

/** Answered: the prompt goes, and with it the tab's "Incoming call" title. */
export function hideIncoming() {
  $('incoming').hidden = true;
  setIncomingTitle(false);
}

export function showInCallControls() {
  $('controls').hidden = false;
  $('incoming').hidden = true;
}

/** Shows this page's own picture (or its name, without video) in the small self view. */
export function showLocalStream(stream, audioOnly) {
  $('local-video').srcObject = stream;
  $('local-tile').dataset.video = audioOnly ? 'off' : 'on';
  $('videos').hidden = false;
  $('camera-button').hidden = audioOnly;
}

export function setMuted(muted) {
  $('mute-button').setAttribute('aria-pressed', String(muted));
  $('mute-button').textContent = muted ? 'Unmute' : 'Mute';
}

export function setCameraOff(off) {
  $('camera-button').setAttribute('aria-pressed', String(off));
  $('camera-button').textContent = off ? 'Camera on' : 'Camera off';
  $('local-tile').dataset.video = off ? 'off' : 'on';
}

function tileOf(peer) {
  return document.querySelector(`[data-testid="remote-${CSS.escape(peer)}"]`);
}

/** The large tile of one remote participant; without video it shows the name instead of black. */
export function remoteTile(peer, audioOnly) {
  const existing = tileOf(peer);
  if (existing) {
    return existing;
  }
  const tile = document.createElement('figure');
  tile.className = 'tile remote';
  tile.dataset.testid = `remote-${peer}`;
  tile.dataset.video = audioOnly ? 'off' : 'on';
  if (audioOnly) {
    tile.dataset.audioOnly = 'true';
  }
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.dataset.testid = `remote-video-${peer}`;
  const caption = document.createElement('figcaption');
  caption.textContent = peer;
  caption.title = peer;
  tile.append(video, nameCard(peer), caption);
  $('videos').append(tile);
  countRemoteTiles();
  return tile;
}

function nameCard(peer) {
  const card = document.createElement('div');
  card.className = 'name-card';
  card.dataset.testid = `name-card-${peer}`;
  const initial = document.createElement('span');
  initial.className = 'initial';
  initial.setAttribute('aria-hidden', 'true');
  initial.textContent = peer.charAt(0).toUpperCase();
  const name = document.createElement('span');
  name.className = 'full-name';
  name.textContent = peer;
  card.append(initial, name);
  return card;
}

export function showRemoteStream(peer, stream) {
  const video = tileOf(peer)?.querySelector('video');
  if (video && video.srcObject !== stream) {
    video.srcObject = stream;
  }
}

/** The peer turned its camera off or on (a voice call's tiles stay without video). */
export function setRemoteCamera(peer, on) {
  const tile = tileOf(peer);
  if (tile && !tile.dataset.audioOnly) {
    tile.dataset.video = on ? 'on' : 'off';
  }
}

export function setRemoteConnection(peer, connection) {
  const tile = tileOf(peer);
  if (tile) {
    tile.dataset.connection = connection;
  }
}

export function removeRemoteTile(peer) {
  tileOf(peer)?.remove();
  countRemoteTiles();
}

// The layout follows the number of remote tiles: alone, the self view is large; with others, it is small.
function countRemoteTiles() {
  $('videos').dataset.remotes = String(document.querySelectorAll('.tile.remote').length);
}

/** Back to no call: no tiles, no controls, no chat, no notice. */
export function resetCallView() {
  setIncomingTitle(false);
  clearNotice();
  $('local-video').srcObject = null;
  $('videos').hidden = true;
  document.querySelectorAll('.tile.remote').forEach((tile) => tile.remove());
  countRemoteTiles();
  $('incoming').hidden = true;
  $('controls').hidden = true;
  $('chat').hidden = true;
  $('chat-log').replaceChildren();
  setMuted(false);
  setCameraOff(false);
}

// ---- chat ------------------------------------------------------------------------------------------------

export function showChat() {
  $('chat').hidden = false;
}

export function setChatEnabled(open) {
  $('chat-input').disabled = !open;
  $('chat-send').disabled = !open;
}

export function appendChat(from, text) {
  const item = document.createElement('li');
  const who = document.createElement('span');
  who.className = 'from';
  who.textContent = `${from}:`;
  item.append(who, document.createTextNode(text));
  $('chat-log').append(item);
  $('chat-log').scrollTop = $('chat-log').scrollHeight;
}

// ---- words -----------------------------------------------------------------------------------------------

/** What to tell the person about an error; {@code peer} is who a failed message was for. */
export function describe(error, peer) {
  if (!(error instanceof SignalingError)) {
    return error?.message || String(error);
  }
  switch (error.code) {
    case 'peer-unavailable':
      return `${peer || error.frame.target || 'That user'} is not online.`;
    case 'invalid-name':
      return 'That name cannot be used: 1-64 letters, digits or . _ - @';
    case 'room-full':
      return 'The room is full.';
    default:
      return error.message;
  }
}
