package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;

/** The routing tests on one node without a cluster: in-memory presence, local delivery only. */
class SingleNodeRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(false, 1);
  }
}
