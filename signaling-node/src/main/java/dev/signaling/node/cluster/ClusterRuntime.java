package dev.signaling.node.cluster;

import dev.signaling.node.presence.Presence;
import io.vertx.core.Vertx;

/** A started Vert.x with the membership view and presence implementation that fit how it was started. */
public record ClusterRuntime(Vertx vertx, ClusterView view, Presence presence) {
}
