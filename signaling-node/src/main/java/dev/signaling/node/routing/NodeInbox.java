package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Receives what other nodes send to this node's own addresses: frames for its sessions (one user's,
 * or a room's members'), and notices that a session of its was replaced by a newer login elsewhere.
 * One instance per node, so that frames from one sender arrive at the target's socket in the order
 * they were sent.
 */
public final class NodeInbox extends VerticleBase {
  /**
   * The answer to a delivery with no recipients, which only opens the link (see {@link NodeLinks}):
   * this inbox confirms deliveries in stream. Older nodes answer 0.
   */
  static final int CONFIRMS_IN_STREAM = -2;

  /**
   * How long the outcomes of written deliveries are gathered before they go back; see {@link
   * ConfirmationBatches}.
   */
  private static final long CONFIRMATION_DELAY_MS =
      Long.getLong("signaling.confirmationDelayMs", 1);

  private final String nodeId;
  private final LocalSessions sessions;
  private final Duration deliveryTimeout;
  private ConfirmationBatches confirmations;

  public NodeInbox(String nodeId, LocalSessions sessions, Duration deliveryTimeout) {
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.deliveryTimeout = deliveryTimeout;
  }

  @Override
  public Future<?> start() {
    confirmations = new ConfirmationBatches(vertx, CONFIRMATION_DELAY_MS);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<Delivery>consumer(NodeAddresses.deliver(nodeId), this::deliver).completion(),
        bus.<JsonObject>consumer(NodeAddresses.replace(nodeId), this::replace).completion());
  }

  /**
   * Writes the frame to each recipient that is still connected here; answers how many, in the
   * confirmation stream to its origin or by reply. A frame that arrives after its sender stopped
   * waiting for the answer (this node was frozen, or cut off, and is catching up) is not written:
   * the sender has been told, and may have sent it again where the user is now.
   */
  private void deliver(Message<Delivery> message) {
    Delivery delivery = message.body();
    if (System.currentTimeMillis() - delivery.sentAt() > deliveryTimeout.toMillis()) {
      return;
    }
    if (delivery.recipients().isEmpty()) {
      message.reply(CONFIRMS_IN_STREAM);
      return;
    }
    Future<Integer> written =
        LocalDelivery.write(sessions, delivery.sender(), delivery.frame(), delivery.recipients());
    if (delivery.confirmedInStream()) {
      written.onSuccess(count -> confirmations.add(delivery.origin(), delivery.seq(), count));
    } else {
      written.onSuccess(message::reply);
    }
  }

  /**
   * Sends the outcomes still gathered, and tells the other nodes that deliveries to this node are
   * now to be sent as requests, which an inbox no longer listening answers at once with no handlers
   * (and the sender then looks for the user elsewhere), where a frame sent in stream would wait for
   * the delivery timeout.
   */
  @Override
  public Future<?> stop() {
    confirmations.flushAll();
    vertx.eventBus().publish(NodeAddresses.UNLINKED, nodeId);
    return Future.succeededFuture();
  }

  private void replace(Message<JsonObject> message) {
    JsonObject body = message.body();
    Session session = sessions.find(body.getString("name"), body.getString("session"));
    if (session != null) {
      session.replace(body.getString("reason", "replaced"));
    }
    message.reply(null);
  }
}
