// One RTCPeerConnection to one remote user, negotiated with the perfect-negotiation pattern: either side
// may (re)negotiate at any time, duplicate 'negotiationneeded' events and offer glare never wedge the
// connection; the polite side yields in a collision. Remote ICE candidates that arrive before the remote
// description is set are buffered and added once it is (trickle ICE).
//
// The first negotiation avoids glare altogether: only the initiator adds its tracks and data channel up
// front; the other side adds its own once the initiator's offer is applied, so its answer carries them
// and no offer of its own is needed. (A rollback in the middle of ICE gathering can leave Chromium
// gathering forever, so glare is kept for the rare renegotiations that perfect negotiation is for.)

const MAX_ICE_RESTARTS = 2;
// An ICE restart that has not connected by then has failed too: its offer may never be answered.
const ICE_RESTART_TIMEOUT_MS = 15000;

export class PeerLink {
  /**
   * @param {object} options
   * @param {string} options.peer the remote user's name
   * @param {boolean} options.initiator whether this side makes the first offer; the other side is polite
   *     and yields when both offer at once
   * @param {RTCIceServer[]} options.iceServers from the signaling server's login-ok
   * @param {MediaStream} options.localStream tracks to send
   * @param {(message: object) => void} options.signal sends a signaling message to the peer
   * @param {object} options.events callbacks: track(stream), state(connectionState), chat(text),
   *     camera(on), chatOpen(), chatClosed(), failed()
   */
  constructor({ peer, initiator, iceServers, localStream, signal, events }) {
    this.peer = peer;
    this.polite = !initiator;
    this.localStream = localStream;
    this.mediaAdded = false;
    this.signal = signal;
    this.events = events;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.pendingCandidates = [];
    this.iceRestarts = 0;
    this.closed = false;

    this.pc = new RTCPeerConnection({ iceServers });
    this.chat = null;
    this.pc.ontrack = ({ streams }) => streams[0] && this.events.track(streams[0]);
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        this.signal({ type: 'new-ice-candidate', candidate: candidate.toJSON() });
      }
    };
    this.pc.onnegotiationneeded = () => this.negotiate();
    this.pc.onconnectionstatechange = () => this.onConnectionState();
    if (initiator) {
      this.addMedia();
    }
  }

  /** Adds the local tracks and the chat channel; once per link. */
  addMedia() {
    if (this.mediaAdded) {
      return;
    }
    this.mediaAdded = true;
    // Negotiated with the same id on both sides: neither waits for the other to announce it.
    this.chat = this.pc.createDataChannel('chat', { negotiated: true, id: 0 });
    this.chat.onopen = () => this.events.chatOpen?.();
    // The peer's page closed its connection (hung up, or was closed): often the first sign of it.
    this.chat.onclose = () => !this.closed && this.events.chatClosed?.();
    this.chat.onmessage = (event) => this.onChat(event.data);
    for (const track of this.localStream.getTracks()) {
      this.pc.addTrack(track, this.localStream);
    }
  }

  async negotiate() {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.signal({ type: 'video-offer', sdp: this.pc.localDescription.toJSON() });
    } catch (error) {
      console.warn(`negotiation with ${this.peer} failed`, error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** A `video-offer` or `video-answer` from the peer. */
  async onDescription(description) {
    if (this.closed) {
      return;
    }
    const collision = description.type === 'offer'
      && (this.makingOffer || this.pc.signalingState !== 'stable');
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) {
      return;
    }
    // For the polite side in a collision this rolls its own offer back implicitly.
    await this.pc.setRemoteDescription(description);
    await this.flushCandidates();
    if (description.type === 'offer') {
      // Attached to the transceivers the offer created: the answer sends media, nothing to renegotiate.
      this.addMedia();
      await this.pc.setLocalDescription();
      this.signal({ type: 'video-answer', sdp: this.pc.localDescription.toJSON() });
    }
  }

  /** A `new-ice-candidate` from the peer. */
  async onCandidate(candidate) {
    if (this.closed) {
      return;
    }
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  async flushCandidates() {
    const buffered = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const candidate of buffered) {
      await this.addCandidate(candidate);
    }
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer this side ignored in a collision are expected to fail.
      if (!this.ignoreOffer) {
        console.warn(`could not add a candidate from ${this.peer}`, error);
      }
    }
  }

  onConnectionState() {
    const state = this.pc.connectionState;
    this.events.state(state);
    if (state === 'connected') {
      this.iceRestarts = 0;
    } else if (state === 'failed') {
      this.restartOrGiveUp();
    }
  }

  restartOrGiveUp() {
    clearTimeout(this.restartTimer);
    if (this.closed) {
      return;
    }
    if (this.iceRestarts >= MAX_ICE_RESTARTS) {
      this.events.failed();
      return;
    }
    this.iceRestarts += 1;
    // Gathers new candidates and renegotiates through 'negotiationneeded'.
    this.pc.restartIce();
    this.restartTimer = setTimeout(() => {
      if (this.pc.connectionState !== 'connected') {
        this.restartOrGiveUp();
      }
    }, ICE_RESTART_TIMEOUT_MS);
  }

  chatOpen() {
    return this.chat !== null && this.chat.readyState === 'open';
  }

  /** Media and chat both flow: the peer's page is there, whatever its signaling connection does. */
  isUp() {
    return this.pc.connectionState === 'connected' && this.chatOpen();
  }

  sendChat(text) {
    return this.sendOnChannel({ text });
  }

  /** Tells the peer whether this side's camera is on, so that it can show a name instead of black. */
  sendCamera(on) {
    return this.sendOnChannel({ camera: on });
  }

  sendOnChannel(message) {
    if (this.chatOpen()) {
      this.chat.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  onChat(data) {
    try {
      const { text, camera } = JSON.parse(data);
      if (typeof text === 'string') {
        this.events.chat(text);
      } else if (typeof camera === 'boolean') {
        this.events.camera?.(camera);
      }
    } catch {
      // Not ours; ignore.
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.chat?.close();
    this.pc.close();
  }
}
