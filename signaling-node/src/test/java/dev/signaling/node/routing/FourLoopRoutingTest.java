package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;
import java.util.Map;

/**
 * The routing tests on one node with four event loops, the connections spread over them: a relay,
 * its result and the target's write happen on different loops, as on any node with more than one
 * core.
 */
class FourLoopRoutingTest extends RoutingTests {
  static final Map<String, String> FOUR_LOOPS =
      Map.of("EVENT_LOOPS", "4", "VERTICLE_INSTANCES", "4");

  @Override
  TestCluster startCluster() {
    return TestCluster.start(false, 1, FOUR_LOOPS);
  }
}
