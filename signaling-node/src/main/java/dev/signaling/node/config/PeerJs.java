package dev.signaling.node.config;

import java.time.Duration;

/**
 * The PeerJS endpoint: its settings mirror the PeerJS server's options of the same meaning.
 *
 * @param enabled whether the node serves the PeerJS server protocol at {@code /peerjs}
 * @param key the API key clients must present (PeerJS's {@code key}); its HTTP routes are under
 *     {@code /<key>/}
 * @param expireTimeout how long a message to an id that is not connected is held in case it
 *     connects, before its sender gets {@code EXPIRE} (PeerJS's {@code expire_timeout})
 * @param aliveTimeout how long a client may stay silent (no {@code HEARTBEAT}, no message) before
 *     it is dropped (PeerJS's {@code alive_timeout})
 * @param discovery whether {@code GET /<key>/peers} lists the ids online (PeerJS's {@code
 *     allow_discovery})
 * @param concurrentLimit PeerJS connections one node takes at once (PeerJS's {@code
 *     concurrent_limit}, per node here)
 */
public record PeerJs(
    boolean enabled,
    String key,
    Duration expireTimeout,
    Duration aliveTimeout,
    boolean discovery,
    int concurrentLimit) {

  @Override
  public String toString() {
    return enabled
        ? "peerjs[key="
            + key
            + ", expire="
            + expireTimeout.toMillis()
            + "ms, alive="
            + aliveTimeout.toMillis()
            + "ms, discovery="
            + discovery
            + ", concurrentLimit="
            + concurrentLimit
            + "]"
        : "peerjs[off]";
  }
}
