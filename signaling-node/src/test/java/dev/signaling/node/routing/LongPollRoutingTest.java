package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;
import dev.signaling.node.support.TestCluster.ClientTransport;

/**
 * The routing tests with every client on the HTTP transport, long-polling, across two clustered
 * nodes: requests go round-robin over both, half of them to the node that does not hold the
 * session.
 */
class LongPollRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 2).clientsOver(ClientTransport.HTTP_LONG_POLL);
  }

  @Override
  boolean callersSendBinary() {
    return false;
  }
}
