package dev.signaling.node.peerjs;

import dev.signaling.node.config.PeerJs;
import dev.signaling.node.session.SessionServices;
import dev.signaling.node.transport.TransportServices;
import dev.signaling.node.transport.UpgradeAdmission;

/**
 * What the PeerJS endpoint works with: the node's transport services, and the session core's with
 * the PeerJS login rules in place of the native ones.
 */
record PeerJsServices(
    TransportServices transport,
    SessionServices sessions,
    UpgradeAdmission admission,
    PeerJs config,
    PeerJsMetrics metrics) {}
