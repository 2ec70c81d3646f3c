package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;

/**
 * Hands a frame to the node that holds its recipients: written directly when that is this node,
 * across the event bus once otherwise, to that node's {@link NodeInbox}, which confirms it in
 * stream (see {@link DeliveryConfirmations}) or, until its link says it does, by reply.
 */
final class NodeDeliveries {
  private final Vertx vertx;
  private final String nodeId;
  private final LocalSessions sessions;
  private final DeliveryConfirmations confirmations;
  private final DeliveryOptions requestOptions;
  private final DeliveryOptions sendOptions;

  NodeDeliveries(
      Vertx vertx,
      String nodeId,
      LocalSessions sessions,
      DeliveryConfirmations confirmations,
      Duration deliveryTimeout) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.confirmations = confirmations;
    this.requestOptions =
        new DeliveryOptions()
            .setSendTimeout(deliveryTimeout.toMillis())
            .setCodecName(DeliveryCodec.NAME);
    this.sendOptions = new DeliveryOptions().setCodecName(DeliveryCodec.NAME);
  }

  /** Completes with what {@link LocalDelivery#write} answers on that node. */
  Future<Integer> deliver(
      String node, String sender, String frame, List<Delivery.Recipient> recipients) {
    if (node.equals(nodeId)) {
      return LocalDelivery.write(sessions, sender, frame, recipients);
    }
    long now = System.currentTimeMillis();
    if (confirmations.streamsTo(node)) {
      DeliveryConfirmations.Pending pending = confirmations.expect();
      vertx
          .eventBus()
          .send(
              NodeAddresses.deliver(node),
              new Delivery(sender, frame, recipients, now, nodeId, pending.seq()),
              sendOptions);
      return pending.outcome();
    }
    return vertx
        .eventBus()
        .<Integer>request(
            NodeAddresses.deliver(node),
            new Delivery(sender, frame, recipients, now),
            requestOptions)
        .map(reply -> reply.body());
  }
}
