package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Receives what other nodes send to this node's own addresses: frames for its sessions (one user's,
 * or a room's members'), the batches in which other nodes confirm the frames this node streamed to
 * them (see {@link DeliveryStreams}), and notices that a session of its was replaced by a newer
 * login elsewhere. One instance per node, so that frames from one sender arrive at the target's
 * socket in the order they were sent.
 */
public final class NodeInbox extends VerticleBase {
  private final String nodeId;
  private final LocalSessions sessions;
  private final Duration deliveryTimeout;
  private final DeliveryStreams streams;

  public NodeInbox(
      String nodeId, LocalSessions sessions, Duration deliveryTimeout, DeliveryStreams streams) {
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.deliveryTimeout = deliveryTimeout;
    this.streams = streams;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<Delivery>consumer(NodeAddresses.deliver(nodeId), this::deliver).completion(),
        bus.<Buffer>consumer(
                NodeAddresses.confirm(nodeId), batch -> streams.confirmed(batch.body()))
            .completion(),
        bus.<JsonObject>consumer(NodeAddresses.replace(nodeId), this::replace).completion());
  }

  /**
   * Writes the frame to each recipient that is still connected here; replies with how many. A frame
   * that arrives after its sender stopped waiting for the answer (this node was frozen, or cut off,
   * and is catching up) is not written: the sender has been told, and may have sent it again where
   * the user is now.
   */
  private void deliver(Message<Delivery> message) {
    Delivery delivery = message.body();
    if (delivery.streamed() != null) {
      deliverStreamed(delivery);
      return;
    }
    if (System.currentTimeMillis() - delivery.sentAt() > deliveryTimeout.toMillis()) {
      return;
    }
    if (delivery.recipients().isEmpty()) {
      // A link being opened (see NodeLinks): say whether frames may come in streams.
      message.reply(streams.batchMs() > 0 ? DeliveryStreams.CONFIRMS_IN_BATCHES : 0);
      return;
    }
    LocalDelivery.write(sessions, delivery.sender(), delivery.frame(), delivery.recipients())
        .onSuccess(message::reply);
  }

  /**
   * A frame sent without a reply of its own: its outcome goes into a batch for its stream, on the
   * event loop where it became known (see {@link StreamConfirmer}).
   */
  private void deliverStreamed(Delivery delivery) {
    Delivery.Streamed streamed = delivery.streamed();
    if (System.currentTimeMillis() - delivery.sentAt() > deliveryTimeout.toMillis()) {
      settle(streamed, StreamConfirmer.LATE);
      return;
    }
    LocalDelivery.writeThen(
        sessions,
        delivery.sender(),
        delivery.frame(),
        delivery.recipients().get(0),
        written -> settle(streamed, written));
  }

  private void settle(Delivery.Streamed streamed, int outcome) {
    ContextInternal current = ContextInternal.current();
    if (current != null && current.isEventLoopContext() && current.inThread()) {
      streams.confirmerOf(current).settle(streamed, outcome);
    } else {
      context.runOnContext(ignored -> settle(streamed, outcome));
    }
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
