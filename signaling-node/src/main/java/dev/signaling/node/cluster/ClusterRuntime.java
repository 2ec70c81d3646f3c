package dev.signaling.node.cluster;

import dev.signaling.node.presence.Presence;
import dev.signaling.node.rooms.RoomRegistry;
import io.vertx.core.Vertx;

/** A started Vert.x with the membership view, presence and rooms implementations that fit how it was started. */
public record ClusterRuntime(Vertx vertx, ClusterView view, Presence presence, RoomRegistry rooms) {
}
