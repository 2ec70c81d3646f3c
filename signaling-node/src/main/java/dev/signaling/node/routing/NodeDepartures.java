package dev.signaling.node.routing;

import io.vertx.core.Future;

/** Whether a node that stopped answering leaves the cluster: it died, and took nothing with it. */
@FunctionalInterface
public interface NodeDepartures {

  /**
   * Completes with whether {@code node} is no longer a member, waiting for the cluster to decide
   * for as long as it takes to declare a silent member dead.
   */
  Future<Boolean> leaves(String node);
}
