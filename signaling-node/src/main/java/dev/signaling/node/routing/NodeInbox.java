package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Receives what other nodes send to this node's own addresses: frames for its sessions (one user's,
 * or a room's members'), and notices that a session of its was replaced by a newer login elsewhere.
 * One instance per node, so that frames from one sender arrive at the target's socket in the order
 * they were sent.
 */
public final class NodeInbox extends VerticleBase {
  private final String nodeId;
  private final LocalSessions sessions;

  public NodeInbox(String nodeId, LocalSessions sessions) {
    this.nodeId = nodeId;
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<Delivery>consumer(NodeAddresses.deliver(nodeId), this::deliver).completion(),
        bus.<JsonObject>consumer(NodeAddresses.replace(nodeId), this::replace).completion());
  }

  /** Writes the frame to each recipient that is still connected here; replies with how many. */
  private void deliver(Message<Delivery> message) {
    Delivery delivery = message.body();
    LocalDelivery.write(sessions, delivery.sender(), delivery.frame(), delivery.recipients())
        .onSuccess(message::reply);
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
