package dev.signaling.node.routing;

import dev.signaling.node.session.LocalSessions;
import dev.signaling.node.session.Session;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Receives what other nodes send to this node's own addresses: frames for its sessions, and notices that
 * a session of its was replaced by a newer login elsewhere. One instance per node, so that frames from one
 * sender arrive at the target's socket in the order they were sent.
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

  private void deliver(Message<Delivery> message) {
    Delivery delivery = message.body();
    Session session = sessions.find(delivery.target(), delivery.session());
    if (session == null) {
      message.fail(DeliveryFailure.NO_SUCH_SESSION, "no such session");
      return;
    }
    session.deliver(delivery.frame()).onComplete(
        written -> message.reply(null),
        failed -> message.fail(DeliveryFailure.NO_SUCH_SESSION, "session ended"));
  }

  private void replace(Message<JsonObject> message) {
    JsonObject body = message.body();
    Session session = sessions.find(body.getString("name"), body.getString("session"));
    if (session != null) {
      session.replace();
    }
  }
}
