package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;

/** The routing tests across two clustered nodes with four event loops each. */
class FourLoopClusteredRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 2, FourLoopRoutingTest.FOUR_LOOPS);
  }
}
