package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;

/**
 * The routing tests on three clustered nodes, with caller and callee on the two nodes that joined
 * last, so neither is the member that formed the cluster.
 */
class ThreeNodeRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 3);
  }

  @Override
  int caller() {
    return 1;
  }

  @Override
  int callee() {
    return 2;
  }
}
