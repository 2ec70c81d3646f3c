package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;

/**
 * The routing tests across two clustered nodes: Hazelcast presence, delivery over the event bus.
 */
class ClusteredRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 2);
  }
}
