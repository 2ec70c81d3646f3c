package dev.signaling.node.routing;

import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.session.LocalSessions;
import dev.signaling.node.session.Session;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Delivers frames to users wherever they are connected, and keeps the presence map in step with the
 * sessions of this node. A frame for a session on this node is written directly; one for another node
 * crosses the event bus once, to that node's {@link NodeInbox}.
 */
public final class Router {
  private final Vertx vertx;
  private final String nodeId;
  private final Presence presence;
  private final LocalSessions sessions;
  private final DeliveryOptions deliveryOptions;

  public Router(Vertx vertx, String nodeId, Presence presence, LocalSessions sessions, Duration deliveryTimeout) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.presence = presence;
    this.sessions = sessions;
    this.deliveryOptions = new DeliveryOptions()
        .setSendTimeout(deliveryTimeout.toMillis())
        .setCodecName(DeliveryCodec.NAME);
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * Makes {@code session} the one session of its name in the cluster. The presence map orders competing
   * logins: each claim replaces the session recorded before it, wherever that one is connected, so exactly
   * the last claim survives.
   */
  public Future<Void> claim(Session session) {
    sessions.register(session);
    return presence.claim(session.name(), new PresenceEntry(nodeId, session.id()))
        .onSuccess(previous -> {
          if (previous != null && !previous.session().equals(session.id())) {
            replace(session.name(), previous);
          }
        })
        .onFailure(failed -> sessions.unregister(session))
        .mapEmpty();
  }

  /** Forgets {@code session}, leaving a newer session of the same name untouched. */
  public Future<Boolean> release(Session session) {
    sessions.unregister(session);
    return presence.release(session.name(), session.id());
  }

  /** A queue that relays one sender's frames in the order it sent them. */
  public RelayQueue newRelayQueue() {
    return new RelayQueue(presence, this);
  }

  /**
   * Delivers {@code frame} to the session {@code entry} names. Completes once the frame is written to the
   * target's socket; fails with a {@link DeliveryFailure}.
   */
  Future<Void> deliver(String target, PresenceEntry entry, String frame) {
    if (entry == null) {
      return Future.failedFuture(new DeliveryFailure(ErrorCode.PEER_UNAVAILABLE));
    }
    if (entry.node().equals(nodeId)) {
      Session session = sessions.find(target, entry.session());
      if (session == null) {
        return Future.failedFuture(new DeliveryFailure(ErrorCode.PEER_UNAVAILABLE));
      }
      return session.deliver(frame).recover(ended -> Future.failedFuture(new DeliveryFailure(ErrorCode.PEER_UNAVAILABLE)));
    }
    return vertx.eventBus()
        .request(NodeAddresses.deliver(entry.node()), new Delivery(target, entry.session(), frame), deliveryOptions)
        .transform(reply -> reply.succeeded()
            ? Future.<Void>succeededFuture()
            : explain(target, entry, reply.cause()));
  }

  /**
   * Why a remote delivery failed. When the target's node did not answer in time, presence may meanwhile
   * know better: a node that died is reaped within seconds, and then its users are simply unavailable.
   */
  private Future<Void> explain(String target, PresenceEntry entry, Throwable cause) {
    DeliveryFailure failure = asDeliveryFailure(cause);
    if (failure.code() != ErrorCode.DELIVERY_FAILED) {
      return Future.failedFuture(failure);
    }
    return presence.lookup(target).transform(now -> Future.failedFuture(
        now.succeeded() && !entry.equals(now.result()) ? new DeliveryFailure(ErrorCode.PEER_UNAVAILABLE) : failure));
  }

  private static DeliveryFailure asDeliveryFailure(Throwable cause) {
    if (cause instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case NO_HANDLERS:
          // The node has left: its presence entries are about to be reaped.
          return new DeliveryFailure(ErrorCode.PEER_UNAVAILABLE);
        case RECIPIENT_FAILURE:
          if (reply.failureCode() == DeliveryFailure.NO_SUCH_SESSION) {
            return new DeliveryFailure(ErrorCode.PEER_UNAVAILABLE);
          }
          break;
        default:
          break;
      }
    }
    return new DeliveryFailure(ErrorCode.DELIVERY_FAILED);
  }

  private void replace(String name, PresenceEntry previous) {
    if (previous.node().equals(nodeId)) {
      Session older = sessions.find(name, previous.session());
      if (older != null) {
        older.replace();
      }
      return;
    }
    vertx.eventBus().send(NodeAddresses.replace(previous.node()),
        new JsonObject().put("name", name).put("session", previous.session()));
  }
}
