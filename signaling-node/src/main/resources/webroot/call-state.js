// The call state machine. The page keeps at most one call: direct (one to one, video or voice) or group
// (a full mesh of up to four). A call has an id, a kind, a phase (outgoing, incoming, answering while the
// callee's camera opens, or active) and a Mesh of peer links. The call-setup messages (call-request,
// call-accept, call-reject, call-cancel, hang-up, group-invite, group-join, group-hello) go through the
// signaling server, which relays them as they are; media and chat go through the Mesh.

import { LocalMedia, stop } from './local-media.js';
import { Mesh } from './mesh.js';
import * as ui from './ui.js';

export const MAX_GROUP = 4;
const RING_TIMEOUT_MS = 30000;

export class Calls {
  /**
   * @param {object} session the signed-in page: {client, name, room, users}
   * @param {() => void} onChange called when a call starts or ends, so that the buttons follow
   */
  constructor(session, onChange) {
    this.session = session;
    this.onChange = onChange;
    this.call = null;
    this.media = new LocalMedia();
  }

  /** The call-setup and negotiation messages this machine handles, by type. */
  handlers() {
    const toMesh = (message) => this.current(message)?.mesh.onSignal(message);
    return {
      'call-request': (message) => this.onCallRequest(message),
      'call-accept': (message) => this.onCallAccept(message),
      'call-reject': (message) => this.onCallReject(message),
      'call-cancel': (message) => this.onCallCancel(message),
      'hang-up': (message) => this.current(message) && this.peerGone(message.from, `${message.from} hung up.`),
      'video-offer': toMesh,
      'video-answer': toMesh,
      'new-ice-candidate': toMesh,
      'group-invite': (message) => this.onGroupInvite(message),
      'group-join': (message) => this.onGroupJoin(message),
      'group-hello': (message) => this.onGroupHello(message),
    };
  }

  /** Idle and connected: a call can start. */
  canCall() {
    return this.call === null && this.session.client !== null && this.session.client.isOpen();
  }

  peerConnections() {
    return this.call?.mesh.peerConnections() || {};
  }

  // ---- one-to-one calls ----------------------------------------------------------------------------------

  async startDirect(peer, audioOnly) {
    if (this.call) {
      return;
    }
    const call = this.newCall({ kind: 'direct', phase: 'outgoing', peer, audioOnly });
    if (!(await this.openMedia(call))) {
      return;
    }
    ui.setStatus(`Calling ${peer}…`, 'outgoing');
    ui.showInCallControls();
    try {
      await this.session.client.request({ type: 'call-request', target: peer, callId: call.id, audioOnly });
    } catch (error) {
      if (this.call === call) {
        this.end(ui.describe(error, peer), true);
      }
      return;
    }
    ui.clearAlert();
    call.ringTimer = setTimeout(() => {
      if (this.call === call && call.phase === 'outgoing') {
        this.trySend({ type: 'call-cancel', target: peer, callId: call.id });
        this.end(`${peer} did not answer.`, true);
      }
    }, RING_TIMEOUT_MS);
  }

  onCallRequest(message) {
    if (this.call) {
      this.trySend({ type: 'call-reject', target: message.from, callId: message.callId, reason: 'busy' });
      return;
    }
    const call = this.newCall({ kind: 'direct', phase: 'incoming', peer: message.from,
      audioOnly: !!message.audioOnly, id: message.callId });
    ui.setStatus(`${message.from} is calling${message.audioOnly ? ' (voice only)' : ''}.`, 'incoming');
    this.ring(call, `Missed call from ${message.from}.`);
  }

  /** Shows an incoming call's prompt until it is answered, cancelled, or has rung long enough. */
  ring(call, missed) {
    ui.showIncoming();
    ui.setIncomingTitle(true);
    call.ringTimer = setTimeout(() => {
      if (this.call === call && call.phase === 'incoming') {
        this.end(missed);
      }
    }, RING_TIMEOUT_MS);
  }

  async accept() {
    const call = this.call;
    if (!call || call.phase !== 'incoming') {
      return;
    }
    ui.hideIncoming();
    clearTimeout(call.ringTimer);
    call.phase = 'answering';
    if (!(await this.openMedia(call))) {
      if (call.kind === 'direct') {
        this.trySend({ type: 'call-reject', target: call.peer, callId: call.id, reason: 'media-unavailable' });
      }
      return;
    }
    ui.clearAlert();
    call.phase = 'active';
    ui.showInCallControls();
    if (call.kind === 'direct') {
      this.addLink(call.peer, false);
      this.trySend({ type: 'call-accept', target: call.peer, callId: call.id });
      ui.setStatus(`In call with ${call.peer}.`, 'active');
    } else {
      this.trySend({ type: 'group-join', room: this.session.room, callId: call.id });
      ui.setStatus('Group call: connecting…', 'active');
    }
  }

  decline() {
    const call = this.call;
    if (!call || call.phase !== 'incoming') {
      return;
    }
    if (call.kind === 'direct') {
      this.trySend({ type: 'call-reject', target: call.peer, callId: call.id, reason: 'rejected' });
    }
    this.end('Call declined.');
  }

  onCallAccept(message) {
    const call = this.current(message);
    if (!call || call.phase !== 'outgoing' || message.from !== call.peer) {
      return;
    }
    clearTimeout(call.ringTimer);
    call.phase = 'active';
    this.addLink(call.peer, true);
    ui.setStatus(`In call with ${call.peer}.`, 'active');
  }

  onCallReject(message) {
    const call = this.current(message);
    if (!call || message.from !== call.peer) {
      return;
    }
    const reasons = {
      busy: `${call.peer} is busy in another call.`,
      'media-unavailable': `${call.peer} could not use a camera or microphone.`,
    };
    this.end(reasons[message.reason] || `${call.peer} declined the call.`, true);
  }

  onCallCancel(message) {
    const call = this.current(message);
    if (call && (call.phase === 'incoming' || call.phase === 'answering')) {
      this.end(`Missed call from ${message.from}.`);
    }
  }

  hangUp() {
    const call = this.call;
    if (!call) {
      return;
    }
    if (call.phase === 'outgoing') {
      this.trySend({ type: 'call-cancel', target: call.peer, callId: call.id });
    }
    for (const peer of call.mesh.peers()) {
      this.trySend({ type: 'hang-up', target: peer, callId: call.id });
    }
    this.end('Call ended.');
  }

  // ---- group calls (full mesh) ------------------------------------------------------------------------------

  async startGroup() {
    if (this.call || this.session.users.length === 0) {
      return;
    }
    const call = this.newCall({ kind: 'group', phase: 'active', audioOnly: false });
    if (!(await this.openMedia(call))) {
      return;
    }
    ui.showInCallControls();
    ui.setStatus(`Group call in ${this.session.room}: waiting for others to join…`, 'active');
    call.ringTimer = setTimeout(() => {
      if (this.call === call && call.mesh.size === 0) {
        this.end('Nobody joined the group call.');
      }
    }, RING_TIMEOUT_MS);
    try {
      await this.session.client.request({ type: 'group-invite', room: this.session.room, callId: call.id });
      ui.clearAlert();
    } catch (error) {
      this.end(ui.describe(error), true);
    }
  }

  onGroupInvite(message) {
    if (this.call || message.room !== this.session.room) {
      return;
    }
    const call = this.newCall({ kind: 'group', phase: 'incoming', id: message.callId, audioOnly: false,
      peer: message.from });
    ui.setStatus(`${message.from} invites everyone in ${this.session.room} to a group call.`, 'incoming');
    this.ring(call, `Missed group call from ${message.from}.`);
  }

  // Every pair in a group call connects once: a member learns of a newcomer by its group-join and greets
  // it, the newcomer learns of the members by their greetings, and in each pair the alphabetically first
  // name makes the offer. Two newcomers joining at once thus still agree on who offers.
  onGroupJoin(message) {
    const call = this.activeGroupCall(message);
    if (!call || call.mesh.has(message.from) || call.mesh.size >= MAX_GROUP - 1) {
      return;
    }
    this.trySend({ type: 'group-hello', target: message.from, callId: call.id });
    this.addLink(message.from, this.session.name < message.from);
  }

  onGroupHello(message) {
    const call = this.activeGroupCall(message);
    if (call && !call.mesh.has(message.from) && call.mesh.size < MAX_GROUP - 1) {
      this.addLink(message.from, this.session.name < message.from);
    }
  }

  activeGroupCall(message) {
    const call = this.current(message);
    return call && call.kind === 'group' && call.phase === 'active' && message.from !== this.session.name
      ? call : null;
  }

  // ---- participants coming and going --------------------------------------------------------------------

  /** The signaling server says {@code peer}'s session ended: presence offline, or peer-left. */
  peerOffline(peer) {
    const call = this.call;
    if (call?.mesh.has(peer)) {
      call.mesh.peerOffline(peer);
    } else if (call?.kind === 'direct' && call.peer === peer) {
      // Still ringing or answering: nothing connects the two pages yet.
      this.peerGone(peer, `${peer} left.`);
    }
  }

  peerOnline(peer) {
    this.call?.mesh.peerOnline(peer);
  }

  /** Ends the link to one peer; a direct call, or a group call left empty, ends with it. */
  peerGone(peer, message, isError = false) {
    const call = this.call;
    if (!call) {
      return;
    }
    if (call.kind === 'direct' && call.peer === peer) {
      this.end(message, isError);
      return;
    }
    if (!call.mesh.has(peer)) {
      return;
    }
    call.mesh.remove(peer);
    if (isError) {
      ui.showAlert(message);
    }
    if (call.mesh.size === 0 && call.kind === 'group') {
      this.end(`${message} The group call is over.`, isError);
    } else {
      ui.showNotice(message);
      this.updateGroupStatus();
    }
  }

  // ---- controls ----------------------------------------------------------------------------------------

  toggleCamera() {
    const on = this.media.toggleCamera();
    this.call?.mesh.setCamera(on);
  }

  sendChat(text) {
    if (this.call && this.call.mesh.sendChat(text)) {
      ui.appendChat('You', text);
      return true;
    }
    return false;
  }

  // ---- shared plumbing ------------------------------------------------------------------------------------

  newCall({ kind, phase, peer = null, audioOnly, id = newCallId() }) {
    const mesh = new Mesh({
      audioOnly,
      signal: (target, message) => this.trySend({ ...message, target, callId: id }),
      onState: (target, connection) => this.onLinkState(target, connection),
      onGone: (target, why) => (why === 'failed'
        ? this.peerGone(target, `The connection to ${target} failed.`, true)
        : this.peerGone(target, `Connection to ${target} lost.`)),
    });
    this.call = { id, kind, phase, peer, audioOnly, mesh, ringTimer: null };
    ui.clearNotice();
    this.onChange();
    return this.call;
  }

  /** The current call, if {@code message} belongs to it. */
  current(message) {
    return this.call && this.call.id === message.callId ? this.call : null;
  }

  addLink(peer, initiator) {
    const { iceServers } = this.session.client;
    this.call.mesh.add(peer, initiator, { iceServers, localStream: this.media.stream });
    this.updateGroupStatus();
  }

  onLinkState(peer, connection) {
    const call = this.call;
    if (call?.kind === 'direct' && call.phase === 'active') {
      const suffix = { connected: '', connecting: ' (connecting…)', new: ' (connecting…)',
        disconnected: ' (reconnecting…)', failed: ' (connection failed, retrying…)' }[connection] ?? '';
      ui.setStatus(`In call with ${peer}.${suffix}`, 'active');
    }
  }

  updateGroupStatus() {
    const call = this.call;
    if (call?.kind === 'group' && call.phase === 'active') {
      const peers = call.mesh.peers();
      ui.setStatus(peers.length ? `Group call with ${peers.join(', ')}.` : 'Group call: waiting for others to join…',
        'active');
    }
  }

  /**
   * Opens camera and microphone for {@code call}; false (and the call ended) when they cannot be had or
   * the call ended while the browser was asking for them.
   */
  async openMedia(call) {
    const stream = await this.media.open(this.session.client, call.audioOnly);
    if (!stream) {
      if (this.call === call) {
        this.end(null);
      }
      return false;
    }
    if (this.call !== call) {
      // Cancelled or hung up while the browser asked: let go of the camera at once.
      stop(stream);
      return false;
    }
    this.media.use(stream, call.audioOnly);
    return true;
  }

  end(message, isError = false) {
    const call = this.call;
    if (call) {
      clearTimeout(call.ringTimer);
      call.mesh.closeAll();
    }
    this.call = null;
    this.media.release();
    ui.resetCallView();
    ui.setStatus(message || 'Pick someone to call.', isError ? 'error' : 'idle');
    if (isError && message) {
      ui.showAlert(message);
    }
    this.onChange();
  }

  trySend(message) {
    try {
      this.session.client.send(message);
    } catch (error) {
      ui.showAlert('Not connected to the server; the other side may not have been told.');
    }
  }
}

function newCallId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
