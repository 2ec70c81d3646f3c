package dev.signaling.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;

/**
 * A started Vert.x with its view of the cluster's membership.
 *
 * @param hazelcast the cluster's Hazelcast member, or {@code null} for a single node without a
 *     cluster
 */
public record ClusterRuntime(Vertx vertx, ClusterView view, HazelcastInstance hazelcast) {

  public boolean clustered() {
    return hazelcast != null;
  }
}
