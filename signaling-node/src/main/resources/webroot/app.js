// The video-call page: log in, join a room, see who is here, call one person or everyone (full mesh of
// up to four). Calls are set up over the signaling server with application messages it relays as they
// are: call-request / call-accept / call-reject / call-cancel, the seeds' video-offer / video-answer /
// new-ice-candidate / hang-up, and group-invite / group-join / group-hello for group calls.

import { SignalingClient, SignalingError } from './signaling-client.js';
import { PeerLink } from './peer-link.js';

const MAX_GROUP = 4;
const RING_TIMEOUT_MS = 30000;
// A peer whose signaling connection drops mid-call usually comes back (its node restarted, its network
// blinked); the media between the two browsers does not depend on it, so the call waits this long.
const PEER_RETURN_GRACE_MS = 20000;
const NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

const $ = (testId) => document.querySelector(`[data-testid="${testId}"]`);

const state = {
  client: null,
  name: null,
  room: null,
  users: [],
  call: null,
  localStream: null,
};

// ---- start -----------------------------------------------------------------------------------------

function init() {
  if (!window.isSecureContext) {
    showAlert('This page is not served over HTTPS (or from localhost), so the browser will not allow its '
      + 'camera, microphone or calls. Open it through https:// to make calls.');
  }
  const params = new URLSearchParams(location.search);
  $('room-input').value = params.get('room') || 'lobby';
  if (params.get('name')) {
    $('name-input').value = params.get('name');
  }
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    start($('name-input').value.trim(), $('room-input').value.trim());
  });
  $('alert-close').addEventListener('click', () => { $('alert').hidden = true; });
  $('accept-button').addEventListener('click', accept);
  $('reject-button').addEventListener('click', decline);
  $('hangup-button').addEventListener('click', hangUp);
  $('mute-button').addEventListener('click', toggleMute);
  $('camera-button').addEventListener('click', toggleCamera);
  $('group-call-button').addEventListener('click', startGroupCall);
  $('call-by-name-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const peer = $('call-name-input').value.trim();
    if (peer === state.name) {
      showAlert('That is you.');
    } else if (NAME_PATTERN.test(peer)) {
      startDirectCall(peer, false);
    }
  });
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sendChat();
  });
  window.signalingApp = {
    peerConnections: () => Object.fromEntries(
      [...(state.call?.links || new Map())].map(([peer, link]) => [peer, link.pc])),
  };
}

async function start(name, room) {
  if (!NAME_PATTERN.test(name) || !NAME_PATTERN.test(room)) {
    showAlert('Names and rooms are 1-64 letters, digits or . _ - @');
    return;
  }
  $('join-button').disabled = true;
  const client = new SignalingClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  state.client = client;
  wire(client);
  try {
    await client.connect();
    await client.login(name);
    state.name = name;
    state.room = room;
    const joined = await client.join(room);
    setUsers(joined.users);
  } catch (error) {
    client.close();
    state.client = null;
    $('join-button').disabled = false;
    setConnection('offline', 'Offline');
    showAlert(error instanceof SignalingError && error.code === 'connection-failed'
      ? 'Cannot reach the server. Is it running?' : describe(error));
    return;
  }
  history.replaceState(null, '', `?room=${encodeURIComponent(room)}`);
  $('login-form').hidden = true;
  $('workspace').hidden = false;
  $('room-name').textContent = room;
  $('whoami').textContent = `Signed in as ${name}`;
  $('whoami').hidden = false;
  setConnection('online', 'Connected');
}

function wire(client) {
  client.on('joined', (frame) => frame.room === state.room && setUsers(frame.users));
  client.on('presence', onPresence);
  client.on('error', (frame) => showAlert(describe(new SignalingError(frame))));
  client.on('close', ({ willReconnect }) => {
    if (willReconnect) {
      setConnection('reconnecting', 'Reconnecting…');
    } else {
      setConnection('offline', 'Offline');
    }
    renderUsers();
  });
  client.on('reconnecting', ({ delayMs }) => setConnection('reconnecting', `Reconnecting in ${Math.ceil(delayMs / 1000)} s…`));
  client.on('reconnected', () => {
    setConnection('online', 'Connected');
    renderUsers();
  });
  client.on('session-replaced', onSessionReplaced);
  client.on('rejoin-failed', onRejoinFailed);
  const handlers = {
    'call-request': onCallRequest,
    'call-accept': onCallAccept,
    'call-reject': onCallReject,
    'call-cancel': onCallCancel,
    'hang-up': onHangUp,
    'video-offer': (m) => linkFor(m)?.onDescription(m.sdp).catch(warn),
    'video-answer': (m) => linkFor(m)?.onDescription(m.sdp).catch(warn),
    'new-ice-candidate': (m) => linkFor(m)?.onCandidate(m.candidate).catch(warn),
    'group-invite': onGroupInvite,
    'group-join': onGroupJoin,
    'group-hello': onGroupHello,
  };
  for (const [type, handler] of Object.entries(handlers)) {
    client.on(type, handler);
  }
}

function onSessionReplaced() {
  backToLogin();
  showAlert(`You signed in as ${state.name} somewhere else, so this page was signed out.`);
}

// The connection came back but the room did not take us again (it filled up meanwhile): the page shows
// one room, so without it the person is sent back to the form, from which they can try again.
function onRejoinFailed({ room, code, message }) {
  if (room !== state.room) {
    return;
  }
  state.client.logout();
  backToLogin();
  showAlert(`The connection came back, but you could not rejoin ${room}: `
    + describe(new SignalingError({ code, message })));
}

function backToLogin() {
  endCall(null);
  state.client = null;
  state.users = [];
  $('workspace').hidden = true;
  $('whoami').hidden = true;
  $('login-form').hidden = false;
  $('join-button').disabled = false;
  setConnection('offline', 'Offline');
}

// ---- people in the room -------------------------------------------------------------------------------

function setUsers(users) {
  state.users = users.filter((user) => user !== state.name);
  renderUsers();
}

function onPresence(frame) {
  if (frame.room !== state.room) {
    return;
  }
  const others = state.users.filter((user) => user !== frame.name);
  state.users = frame.online ? [...others, frame.name] : others;
  renderUsers();
  const link = state.call?.links.get(frame.name);
  if (frame.online) {
    clearTimeout(link?.returnTimer);
  } else if (link && link.pc.connectionState === 'connected') {
    link.returnTimer = setTimeout(() => peerGone(frame.name, `${frame.name} left.`), PEER_RETURN_GRACE_MS);
  } else if (state.call && (link || state.call.peer === frame.name)) {
    peerGone(frame.name, `${frame.name} left.`);
  }
}

function renderUsers() {
  const list = $('user-list');
  list.replaceChildren(...state.users.map((user) => {
    const item = document.createElement('li');
    item.dataset.testid = `user-${user}`;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = user;
    item.append(name, callButton(user, false), callButton(user, true));
    return item;
  }));
  $('nobody').hidden = state.users.length > 0;
  $('group-call-button').disabled = !canCall() || state.users.length === 0 || state.users.length > MAX_GROUP - 1;
  $('call-name-button').disabled = !canCall();
}

/** Idle and connected: a call can start. */
function canCall() {
  return state.call === null && state.client !== null && state.client.isOpen();
}

function callButton(user, audioOnly) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = audioOnly ? 'Voice' : 'Call';
  button.dataset.testid = `${audioOnly ? 'voice' : 'call'}-${user}`;
  button.setAttribute('aria-label', `${audioOnly ? 'Voice call' : 'Video call'} ${user}`);
  button.disabled = !canCall();
  button.addEventListener('click', () => startDirectCall(user, audioOnly));
  return button;
}

// ---- one-to-one calls -----------------------------------------------------------------------------------

async function startDirectCall(peer, audioOnly) {
  if (state.call) {
    return;
  }
  const call = newCall({ kind: 'direct', phase: 'outgoing', peer, audioOnly });
  if (!(await openMedia(audioOnly, call))) {
    return;
  }
  setStatus(`Calling ${peer}…`, 'outgoing');
  showInCallControls();
  try {
    await state.client.request({ type: 'call-request', target: peer, callId: call.id, audioOnly });
  } catch (error) {
    if (state.call === call) {
      endCall(describe(error, peer), true);
    }
    return;
  }
  call.ringTimer = setTimeout(() => {
    if (state.call === call && call.phase === 'outgoing') {
      trySend({ type: 'call-cancel', target: peer, callId: call.id });
      endCall(`${peer} did not answer.`, true);
    }
  }, RING_TIMEOUT_MS);
}

function onCallRequest(message) {
  if (state.call) {
    trySend({ type: 'call-reject', target: message.from, callId: message.callId, reason: 'busy' });
    return;
  }
  const call = newCall({ kind: 'direct', phase: 'incoming', peer: message.from, audioOnly: !!message.audioOnly,
    id: message.callId });
  setStatus(`${message.from} is calling${message.audioOnly ? ' (voice only)' : ''}.`, 'incoming');
  ring(call, `Missed call from ${message.from}.`);
}

/** Shows an incoming call's prompt until it is answered, cancelled, or has rung long enough. */
function ring(call, missed) {
  $('incoming').hidden = false;
  $('accept-button').focus();
  document.title = `Incoming call — Rendezvous`;
  call.ringTimer = setTimeout(() => {
    if (state.call === call && call.phase === 'incoming') {
      endCall(missed);
    }
  }, RING_TIMEOUT_MS);
}

async function accept() {
  const call = state.call;
  if (!call || call.phase !== 'incoming') {
    return;
  }
  $('incoming').hidden = true;
  clearTimeout(call.ringTimer);
  call.phase = 'answering';
  if (!(await openMedia(call.audioOnly, call))) {
    if (call.kind === 'direct') {
      trySend({ type: 'call-reject', target: call.peer, callId: call.id, reason: 'media-unavailable' });
    }
    return;
  }
  call.phase = 'active';
  showInCallControls();
  if (call.kind === 'direct') {
    addLink(call.peer, false);
    trySend({ type: 'call-accept', target: call.peer, callId: call.id });
    setStatus(`In call with ${call.peer}.`, 'active');
  } else {
    trySend({ type: 'group-join', room: state.room, callId: call.id });
    setStatus('Group call: connecting…', 'active');
  }
}

function decline() {
  const call = state.call;
  if (!call || call.phase !== 'incoming') {
    return;
  }
  if (call.kind === 'direct') {
    trySend({ type: 'call-reject', target: call.peer, callId: call.id, reason: 'rejected' });
  }
  endCall('Call declined.');
}

function onCallAccept(message) {
  const call = state.call;
  if (!call || call.id !== message.callId || call.phase !== 'outgoing' || message.from !== call.peer) {
    return;
  }
  clearTimeout(call.ringTimer);
  call.phase = 'active';
  addLink(call.peer, true);
  setStatus(`In call with ${call.peer}.`, 'active');
}

function onCallReject(message) {
  const call = state.call;
  if (!call || call.id !== message.callId || message.from !== call.peer) {
    return;
  }
  const reasons = {
    busy: `${call.peer} is busy in another call.`,
    'media-unavailable': `${call.peer} could not use a camera or microphone.`,
  };
  endCall(reasons[message.reason] || `${call.peer} declined the call.`, true);
}

function onCallCancel(message) {
  const call = state.call;
  if (call && call.id === message.callId && (call.phase === 'incoming' || call.phase === 'answering')) {
    endCall(`Missed call from ${message.from}.`);
  }
}

function onHangUp(message) {
  const call = state.call;
  if (call && call.id === message.callId) {
    peerGone(message.from, `${message.from} hung up.`);
  }
}

function hangUp() {
  const call = state.call;
  if (!call) {
    return;
  }
  if (call.phase === 'outgoing') {
    trySend({ type: 'call-cancel', target: call.peer, callId: call.id });
  }
  for (const peer of call.links.keys()) {
    trySend({ type: 'hang-up', target: peer, callId: call.id });
  }
  endCall('Call ended.');
}

// ---- group calls (full mesh) ------------------------------------------------------------------------------

async function startGroupCall() {
  if (state.call || state.users.length === 0) {
    return;
  }
  const call = newCall({ kind: 'group', phase: 'active', audioOnly: false });
  if (!(await openMedia(false, call))) {
    return;
  }
  showInCallControls();
  setStatus(`Group call in ${state.room}: waiting for others to join…`, 'active');
  call.ringTimer = setTimeout(() => {
    if (state.call === call && call.links.size === 0) {
      endCall('Nobody joined the group call.');
    }
  }, RING_TIMEOUT_MS);
  try {
    await state.client.request({ type: 'group-invite', room: state.room, callId: call.id });
  } catch (error) {
    endCall(describe(error), true);
  }
}

function onGroupInvite(message) {
  if (state.call || message.room !== state.room) {
    return;
  }
  const call = newCall({ kind: 'group', phase: 'incoming', id: message.callId, audioOnly: false, peer: message.from });
  setStatus(`${message.from} invites everyone in ${state.room} to a group call.`, 'incoming');
  ring(call, `Missed group call from ${message.from}.`);
}

// Every pair in a group call connects once: a member learns of a newcomer by its group-join and greets
// it, the newcomer learns of the members by their greetings, and in each pair the alphabetically first
// name makes the offer. Two newcomers joining at once thus still agree on who offers.
function onGroupJoin(message) {
  const call = activeGroupCall(message);
  if (!call || call.links.has(message.from) || call.links.size >= MAX_GROUP - 1) {
    return;
  }
  trySend({ type: 'group-hello', target: message.from, callId: call.id });
  addLink(message.from, state.name < message.from);
}

function onGroupHello(message) {
  const call = activeGroupCall(message);
  if (call && !call.links.has(message.from) && call.links.size < MAX_GROUP - 1) {
    addLink(message.from, state.name < message.from);
  }
}

function activeGroupCall(message) {
  const call = state.call;
  return call && call.kind === 'group' && call.phase === 'active' && call.id === message.callId
    && message.from !== state.name ? call : null;
}

// ---- shared call plumbing ------------------------------------------------------------------------------------

function newCall({ kind, phase, peer = null, audioOnly, id = newCallId() }) {
  state.call = { id, kind, phase, peer, audioOnly, links: new Map(), ringTimer: null };
  renderUsers();
  return state.call;
}

function newCallId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function addLink(peer, initiator) {
  const call = state.call;
  const link = new PeerLink({
    peer,
    initiator,
    iceServers: state.client.iceServers,
    localStream: state.localStream,
    signal: (message) => trySend({ ...message, target: peer, callId: call.id }),
    events: {
      track: (stream) => showRemote(peer, stream),
      state: (connection) => onLinkState(peer, connection),
      chat: (text) => appendChat(peer, text),
      chatOpen: updateChat,
      failed: () => peerGone(peer, `The connection to ${peer} failed.`, true),
    },
  });
  call.links.set(peer, link);
  remoteTile(peer);
  $('chat').hidden = false;
  updateStatusForGroup();
}

function linkFor(message) {
  const call = state.call;
  if (!call || call.id !== message.callId) {
    return null;
  }
  return call.links.get(message.from) || null;
}

function onLinkState(peer, connection) {
  const tile = remoteTile(peer);
  tile.dataset.connection = connection;
  const call = state.call;
  if (call?.kind === 'direct' && call.phase === 'active') {
    const suffix = { connected: '', connecting: ' (connecting…)', new: ' (connecting…)',
      disconnected: ' (reconnecting…)', failed: ' (connection failed, retrying…)' }[connection] ?? '';
    setStatus(`In call with ${peer}.${suffix}`, 'active');
  }
  updateChat();
}

/** Ends the link to one peer; a direct call, or a group call left empty, ends with it. */
function peerGone(peer, message, isError = false) {
  const call = state.call;
  if (!call) {
    return;
  }
  if (call.kind === 'direct' && call.peer === peer) {
    endCall(message, isError);
    return;
  }
  const link = call.links.get(peer);
  if (!link) {
    return;
  }
  clearTimeout(link.returnTimer);
  link.close();
  call.links.delete(peer);
  document.querySelector(`[data-testid="remote-${CSS.escape(peer)}"]`)?.remove();
  if (isError) {
    showAlert(message);
  }
  if (call.links.size === 0 && call.kind === 'group') {
    endCall(`${message} The group call is over.`, isError);
  } else {
    updateStatusForGroup();
  }
}

function endCall(message, isError = false) {
  const call = state.call;
  if (call) {
    clearTimeout(call.ringTimer);
    call.links.forEach((link) => {
      clearTimeout(link.returnTimer);
      link.close();
    });
  }
  document.title = 'Rendezvous — video calls';
  state.call = null;
  state.localStream?.getTracks().forEach((track) => track.stop());
  state.localStream = null;
  $('local-video').srcObject = null;
  $('videos').hidden = true;
  document.querySelectorAll('.tile.remote').forEach((tile) => tile.remove());
  $('incoming').hidden = true;
  $('controls').hidden = true;
  $('chat').hidden = true;
  $('chat-log').replaceChildren();
  $('mute-button').setAttribute('aria-pressed', 'false');
  $('mute-button').textContent = 'Mute';
  $('camera-button').setAttribute('aria-pressed', 'false');
  $('camera-button').textContent = 'Camera off';
  setStatus(message || 'Pick someone to call.', isError ? 'error' : 'idle');
  if (isError && message) {
    showAlert(message);
  }
  renderUsers();
}

function updateStatusForGroup() {
  const call = state.call;
  if (call?.kind === 'group' && call.phase === 'active') {
    const peers = [...call.links.keys()];
    setStatus(peers.length ? `Group call with ${peers.join(', ')}.` : 'Group call: waiting for others to join…',
      'active');
  }
}

/**
 * Opens camera and microphone for {@code call}; false (and the call ended) when they cannot be had or
 * the call ended while the browser was asking for them.
 */
async function openMedia(audioOnly, call) {
  // TURN credentials expire: a page open for hours must not start a call with stale ones. Fetched while
  // the browser asks for the camera, so it costs no time.
  const freshIceServers = state.client.refreshIceServers().catch(() => {});
  let stream;
  try {
    if (!navigator.mediaDevices) {
      throw Object.assign(new Error('insecure'), { name: 'SecurityError' });
    }
    stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: audioOnly ? false : { width: { ideal: 640 }, height: { ideal: 480 } },
    });
  } catch (error) {
    const denied = error.name === 'NotAllowedError' || error.name === 'SecurityError';
    showAlert(denied
      ? 'Camera or microphone access was denied. Allow it in the browser to make calls.'
      : `No camera or microphone could be used (${error.name}).`);
    if (state.call === call) {
      endCall(null);
    }
    return false;
  }
  await freshIceServers;
  if (state.call !== call) {
    // Cancelled or hung up while the browser asked: let go of the camera at once.
    stream.getTracks().forEach((track) => track.stop());
    return false;
  }
  state.localStream = stream;
  $('local-video').srcObject = state.localStream;
  $('videos').hidden = false;
  $('camera-button').hidden = audioOnly;
  return true;
}

function showInCallControls() {
  $('controls').hidden = false;
  $('incoming').hidden = true;
}

function remoteTile(peer) {
  const existing = document.querySelector(`[data-testid="remote-${CSS.escape(peer)}"]`);
  if (existing) {
    return existing;
  }
  const tile = document.createElement('figure');
  tile.className = 'tile remote';
  tile.dataset.testid = `remote-${peer}`;
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.dataset.testid = `remote-video-${peer}`;
  const caption = document.createElement('figcaption');
  caption.textContent = peer;
  tile.append(video, caption);
  $('videos').append(tile);
  return tile;
}

function showRemote(peer, stream) {
  const video = remoteTile(peer).querySelector('video');
  if (video.srcObject !== stream) {
    video.srcObject = stream;
  }
}

function toggleMute() {
  const muted = $('mute-button').getAttribute('aria-pressed') !== 'true';
  state.localStream?.getAudioTracks().forEach((track) => { track.enabled = !muted; });
  $('mute-button').setAttribute('aria-pressed', String(muted));
  $('mute-button').textContent = muted ? 'Unmute' : 'Mute';
}

function toggleCamera() {
  const off = $('camera-button').getAttribute('aria-pressed') !== 'true';
  state.localStream?.getVideoTracks().forEach((track) => { track.enabled = !off; });
  $('camera-button').setAttribute('aria-pressed', String(off));
  $('camera-button').textContent = off ? 'Camera on' : 'Camera off';
}

// ---- chat over the data channel ---------------------------------------------------------------------------

function updateChat() {
  const open = [...(state.call?.links.values() || [])].some((link) => link.chatOpen());
  $('chat-input').disabled = !open;
  $('chat-send').disabled = !open;
}

function sendChat() {
  const text = $('chat-input').value.trim();
  if (!text || !state.call) {
    return;
  }
  let sent = false;
  for (const link of state.call.links.values()) {
    sent = link.sendChat(text) || sent;
  }
  if (sent) {
    appendChat('You', text);
    $('chat-input').value = '';
  }
}

function appendChat(from, text) {
  const item = document.createElement('li');
  const who = document.createElement('span');
  who.className = 'from';
  who.textContent = `${from}:`;
  item.append(who, document.createTextNode(text));
  $('chat-log').append(item);
  $('chat-log').scrollTop = $('chat-log').scrollHeight;
}

// ---- status and errors ------------------------------------------------------------------------------------

function setStatus(text, phase) {
  $('call-status').textContent = text;
  $('call-status').dataset.state = phase;
}

function setConnection(connectionState, text) {
  $('connection').dataset.state = connectionState;
  $('connection').textContent = text;
}

function showAlert(text) {
  $('alert-text').textContent = text;
  $('alert').hidden = false;
}

function describe(error, peer) {
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

function trySend(message) {
  try {
    state.client.send(message);
  } catch (error) {
    showAlert('Not connected to the server; the other side may not have been told.');
  }
}

function warn(error) {
  console.warn(error);
}

init();
