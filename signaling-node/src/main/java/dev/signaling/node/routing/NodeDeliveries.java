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
  private final DeliveryStreams streams;

  NodeDeliveries(
      Vertx vertx,
      String nodeId,
      LocalSessions sessions,
      Duration deliveryTimeout,
      DeliveryStreams streams) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.streams = streams;
    this.options =
        new DeliveryOptions()
            .setSendTimeout(deliveryTimeout.toMillis())
            .setCodecName(DeliveryCodec.NAME);
  }

  /**
   * Hands a frame to one user's session on {@code node}; completes with what {@link
   * LocalDelivery#write} answers there, and when the frame was written. To another node that
   * confirms in batches, it goes without a reply of its own (see {@link DeliveryStreams}).
   */
  Future<StreamedSends.Written> deliverTo(
      String node, String sender, String frame, Delivery.Recipient recipient) {
    if (!node.equals(nodeId)) {
      StreamedSends stream = streams.streamTo(node);
      if (stream != null) {
        return stream.send(node, sender, frame, recipient);
      }
    }
    return deliver(node, sender, frame, List.of(recipient))
        .map(count -> new StreamedSends.Written(count, System.nanoTime()));
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
