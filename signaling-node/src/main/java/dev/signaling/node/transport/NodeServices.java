package dev.signaling.node.transport;

import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.health.NodeHealth;
import dev.signaling.node.ice.IceServers;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Router;
import dev.signaling.node.security.Authenticator;
import dev.signaling.node.security.OriginPolicy;
import dev.signaling.node.session.PeerLeftNotices;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What the transport layer works with, shared by every verticle instance of a node. */
public record NodeServices(
    NodeConfig config,
    Authenticator authenticator,
    OriginPolicy origins,
    PeerLeftNotices peerLeft,
    Router router,
    RoomService rooms,
    IceServers iceServers,
    NodeHealth health,
    OpenConnections connections,
    SessionMetrics sessionMetrics,
    RelayMetrics relayMetrics,
    PrometheusMeterRegistry registry) {
}
