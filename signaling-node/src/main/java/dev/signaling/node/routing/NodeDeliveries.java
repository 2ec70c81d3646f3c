package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;

/**
 * Hands a frame to the node that holds its recipients: written directly when that is this node,
 * across the event bus once otherwise, to that node's {@link NodeInbox}.
 */
final class NodeDeliveries {
  private final Vertx vertx;
  private final String nodeId;
  private final LocalSessions sessions;
  private final DeliveryOptions options;

  NodeDeliveries(Vertx vertx, String nodeId, LocalSessions sessions, Duration deliveryTimeout) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.options =
        new DeliveryOptions()
            .setSendTimeout(deliveryTimeout.toMillis())
            .setCodecName(DeliveryCodec.NAME);
  }

  /** Completes with what {@link LocalDelivery#write} answers on that node. */
  Future<Integer> deliver(
      String node, String sender, String frame, List<Delivery.Recipient> recipients) {
    if (node.equals(nodeId)) {
      return LocalDelivery.write(sessions, sender, frame, recipients);
    }
    return vertx
        .eventBus()
        .<Integer>request(
            NodeAddresses.deliver(node),
            new Delivery(sender, frame, recipients, System.currentTimeMillis()),
            options)
        .map(reply -> reply.body());
  }
}
