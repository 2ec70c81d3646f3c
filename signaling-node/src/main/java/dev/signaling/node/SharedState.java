package dev.signaling.node;

import dev.signaling.node.cluster.ClusterRuntime;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.presence.HazelcastPresence;
import dev.signaling.node.presence.LocalPresence;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.ResumeLimits;
import dev.signaling.node.rooms.HazelcastRoomRegistry;
import dev.signaling.node.rooms.LocalRoomRegistry;
import dev.signaling.node.rooms.RoomRegistry;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide state a node works with: who is online where, and who is in which room. In
 * Hazelcast when the node is clustered, in memory when it runs alone: the one place that choice is
 * made. Everything above it uses the same code paths either way.
 */
public record SharedState(Presence presence, RoomRegistry rooms) {
  private static final Logger LOG = LoggerFactory.getLogger(SharedState.class);

  /** Keeps the implementations picked; tests put fakes in front of them instead. */
  public static final UnaryOperator<SharedState> AS_PICKED = UnaryOperator.identity();

  private static ResumeLimits resumeLimits(NodeConfig config) {
    return new ResumeLimits(config.resume().maxMessages(), config.resume().maxBytes());
  }

  static SharedState pick(ClusterRuntime runtime, NodeConfig config) {
    if (!runtime.clustered()) {
      LOG.info("presence and rooms are in this node's memory");
      return new SharedState(new LocalPresence(resumeLimits(config)), new LocalRoomRegistry());
    }
    LOG.info("presence and rooms are in the cluster's Hazelcast maps");
    return new SharedState(
        new HazelcastPresence(
            runtime.vertx(), runtime.hazelcast(), config.deliveryTimeout(), resumeLimits(config)),
        new HazelcastRoomRegistry(runtime.vertx(), runtime.hazelcast()));
  }
}
