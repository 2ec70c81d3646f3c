// This page's camera and microphone: asked for when a call starts or is accepted, muted and switched off
// and on during it, and let go of when it ends.

import * as ui from './ui.js';

export class LocalMedia {
  constructor() {
    this.stream = null;
  }

  /**
   * Asks for the microphone, and the camera unless {@code audioOnly}; resolves with the stream, or with
   * null after telling the person why there is none. Fresh ICE servers are fetched meanwhile: TURN
   * credentials expire, and a page open for hours must not start a call with stale ones. Asked for while
   * the browser asks for the camera, they cost no time.
   */
  async open(client, audioOnly) {
    const freshIceServers = client.refreshIceServers().catch(() => {});
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
      ui.showAlert(denied
        ? 'Camera or microphone access was denied. Allow it in the browser to make calls.'
        : `No camera or microphone could be used (${error.name}).`);
      return null;
    }
    await freshIceServers;
    return stream;
  }

  /** The stream of the call that goes on: shown in the self view, sent to every peer. */
  use(stream, audioOnly) {
    this.stream = stream;
    ui.showLocalStream(stream, audioOnly);
  }

  release() {
    stop(this.stream);
    this.stream = null;
  }

  /** Turns the microphone off or on (the others hear silence); returns whether it is now muted. */
  toggleMute() {
    const muted = ui.$('mute-button').getAttribute('aria-pressed') !== 'true';
    this.stream?.getAudioTracks().forEach((track) => { track.enabled = !muted; });
    ui.setMuted(muted);
    return muted;
  }

  /** Turns the camera off or on (the others see black); returns whether it is now on. */
  toggleCamera() {
    const off = ui.$('camera-button').getAttribute('aria-pressed') !== 'true';
    this.stream?.getVideoTracks().forEach((track) => { track.enabled = !off; });
    ui.setCameraOff(off);
    return !off;
  }
}

export function stop(stream) {
  stream?.getTracks().forEach((track) => track.stop());
}
