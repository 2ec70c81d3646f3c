package dev.signaling.node.session;

import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.ice.IceServers;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Router;
import dev.signaling.node.security.Authenticator;
import io.vertx.core.Vertx;

/** What the session core works with, shared by every client session of a node. */
public record SessionServices(
    Vertx vertx,
    NodeConfig config,
    Authenticator authenticator,
    Router router,
    RoomService rooms,
    IceServers iceServers,
    PeerLeftNotices peerLeft,
    Departures departures,
    SessionMetrics metrics,
    RelayMetrics relayMetrics) {}
