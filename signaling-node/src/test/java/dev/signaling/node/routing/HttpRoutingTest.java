package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;
import dev.signaling.node.support.TestCluster.ClientTransport;

/**
 * The routing tests with every client on the HTTP transport, streaming, across two clustered nodes:
 * each session is created on one node and every request after that (posts, streams) goes to the
 * other one, which does not hold it, as a load balancer without sticky sessions may send them.
 */
class HttpRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 2).clientsOver(ClientTransport.HTTP_STREAM);
  }

  @Override
  boolean callersSendBinary() {
    return false;
  }
}
