package dev.signaling.node.routing;

import dev.signaling.node.support.TestCluster;
import dev.signaling.node.support.TestCluster.ClientTransport;

/**
 * The routing tests between transports across two clustered nodes: callers on the HTTP transport
 * (streaming, through the node that does not hold their session), callees on WebSockets.
 */
class MixedTransportRoutingTest extends RoutingTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 2)
        .clientsOver(ClientTransport.HTTP_STREAM, ClientTransport.WEBSOCKET);
  }

  @Override
  boolean callersSendBinary() {
    return false;
  }
}
