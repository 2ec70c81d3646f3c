// The peer-to-peer side of one call: a PeerLink to each other participant (one in a direct call, up to
// three in a group call's full mesh), the tile each link feeds, and what travels over the links' data
// channels (chat lines, whether a camera is on).
//
// It also notices a participant who is gone without saying so. When the signaling server reports their
// session ended (room presence offline, or peer-left), that alone proves little: a page whose node
// restarted comes back within seconds, and its media never went through the node. So the link ends at once
// only if it is not fully up (media connected and data channel open) or as soon as it stops being so;
// a closed tab closes its data channel and stops answering ICE, so that takes a moment, not the 20 s or
// more ICE would take to give up.

import { PeerLink } from './peer-link.js';
import * as ui from './ui.js';

export class Mesh {
  /**
   * @param {object} options
   * @param {boolean} options.audioOnly a voice call: tiles show names, not video
   * @param {(peer: string, message: object) => void} options.signal sends a call message to one peer
   * @param {(peer: string, connection: string) => void} options.onState a link's connection state changed
   * @param {(peer: string, why: 'failed'|'lost') => void} options.onGone a link ended by itself: its
   *     connection failed for good, or its peer's session ended and the connection is not up
   */
  constructor({ audioOnly, signal, onState, onGone }) {
    this.audioOnly = audioOnly;
    this.signal = signal;
    this.onState = onState;
    this.onGone = onGone;
    this.links = new Map();
    this.offline = new Set();
    this.cameraOn = !audioOnly;
  }

  get size() {
    return this.links.size;
  }

  has(peer) {
    return this.links.has(peer);
  }

  peers() {
    return [...this.links.keys()];
  }

  /** For the tests and for debugging: each peer's RTCPeerConnection. */
  peerConnections() {
    return Object.fromEntries([...this.links].map(([peer, link]) => [peer, link.pc]));
  }

  /** Connects to {@code peer}; the initiator makes the first offer. */
  add(peer, initiator, { iceServers, localStream }) {
    const link = new PeerLink({
      peer,
      initiator,
      iceServers,
      localStream,
      signal: (message) => this.signal(peer, message),
      events: {
        track: (stream) => ui.showRemoteStream(peer, stream),
        state: (connection) => {
          ui.setRemoteConnection(peer, connection);
          this.onState(peer, connection);
          this.updateChat();
          this.checkGone(peer);
        },
        chat: (text) => ui.appendChat(peer, text),
        camera: (on) => ui.setRemoteCamera(peer, on),
        chatOpen: () => {
          if (!this.cameraOn && !this.audioOnly) {
            link.sendCamera(false);
          }
          this.updateChat();
        },
        chatClosed: () => {
          this.updateChat();
          this.checkGone(peer);
        },
        failed: () => this.onGone(peer, 'failed'),
      },
    });
    this.links.set(peer, link);
    ui.remoteTile(peer, this.audioOnly);
    ui.showChat();
  }

  /** A video-offer, video-answer or new-ice-candidate for the link to its sender. */
  onSignal(message) {
    const link = this.links.get(message.from);
    if (!link) {
      return;
    }
    const done = message.type === 'new-ice-candidate'
      ? link.onCandidate(message.candidate) : link.onDescription(message.sdp);
    done.catch((error) => console.warn(error));
  }

  /** The signaling server says {@code peer}'s session ended. */
  peerOffline(peer) {
    if (this.links.has(peer)) {
      this.offline.add(peer);
      this.checkGone(peer);
    }
  }

  /** {@code peer} is back on the signaling server. */
  peerOnline(peer) {
    this.offline.delete(peer);
  }

  checkGone(peer) {
    const link = this.links.get(peer);
    if (link && this.offline.has(peer) && !link.isUp()) {
      this.onGone(peer, 'lost');
    }
  }

  remove(peer) {
    const link = this.links.get(peer);
    if (!link) {
      return;
    }
    link.close();
    this.links.delete(peer);
    this.offline.delete(peer);
    ui.removeRemoteTile(peer);
    this.updateChat();
  }

  closeAll() {
    this.links.forEach((link) => link.close());
    this.links.clear();
    this.offline.clear();
  }

  /** Tells every peer this side's camera is on or off. */
  setCamera(on) {
    this.cameraOn = on;
    this.links.forEach((link) => link.sendCamera(on));
  }

  /** Sends a chat line to every peer whose channel is open; false when none is. */
  sendChat(text) {
    let sent = false;
    for (const link of this.links.values()) {
      sent = link.sendChat(text) || sent;
    }
    return sent;
  }

  updateChat() {
    ui.setChatEnabled([...this.links.values()].some((link) => link.chatOpen()));
  }
}
