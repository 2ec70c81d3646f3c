package dev.signaling.node.transport.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Carries a client's request for an HTTP session to the node that holds it: straight to {@link
 * HttpSessions} when that is this node, otherwise as a request over the clustered event bus to that
 * node's {@link HttpSessionInbox}, whatever node the client's request landed on. This is what lets
 * a load balancer send any request of a session to any node.
 */
final class OwnerCalls {
  /** How long a poll or a stream's request waits at the session for frames. */
  static final long PULL_WAIT_MS = 20_000;

  /**
   * Beyond the longest time the session may hold a request: a node that has not answered is stuck.
   */
  private static final long MARGIN_MS = 10_000;

  /**
   * A post waits while the session reads slowly (its message budget: at most about 10 s before a
   * flood is cut off) or decides a login.
   */
  private static final long SEND_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final String nodeId;
  private final HttpSessions local;
  private final DeliveryOptions pullOptions =
      new DeliveryOptions().setSendTimeout(PULL_WAIT_MS + MARGIN_MS);
  private final DeliveryOptions sendOptions = new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS);
  private final DeliveryOptions endOptions = new DeliveryOptions().setSendTimeout(MARGIN_MS);

  OwnerCalls(Vertx vertx, String nodeId, HttpSessions local) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.local = local;
  }

  /** Whether this node holds session {@code id}. */
  boolean holds(String id) {
    return nodeId.equals(SessionIds.owner(id));
  }

  /** The event-bus address where {@code nodeId} takes requests for its HTTP sessions. */
  static String address(String nodeId) {
    return "signaling.node." + nodeId + ".http";
  }

  Future<Answer> send(String id, String key, long seq, long ack, String body) {
    String owner = SessionIds.owner(id);
    if (owner == null) {
      return Future.succeededFuture(Answer.UNKNOWN_SESSION);
    }
    if (owner.equals(nodeId)) {
      return local.send(id, key, seq, ack, body);
    }
    return forward(
        owner,
        new JsonObject()
            .put("op", "send")
            .put("id", id)
            .put("key", key)
            .put("seq", seq)
            .put("ack", ack)
            .put("body", body),
        sendOptions);
  }

  /**
   * @param stream whether the frames are for a stream (Server-Sent Events) or a poll (JSON)
   */
  Future<Answer> pull(String id, String key, long ack, long after, boolean stream) {
    String owner = SessionIds.owner(id);
    if (owner == null) {
      return Future.succeededFuture(Answer.UNKNOWN_SESSION);
    }
    if (owner.equals(nodeId)) {
      return local.pull(id, key, ack, after, stream, PULL_WAIT_MS);
    }
    return forward(
        owner,
        new JsonObject()
            .put("op", "pull")
            .put("id", id)
            .put("key", key)
            .put("ack", ack)
            .put("after", after)
            .put("sse", stream),
        pullOptions);
  }

  Future<Answer> end(String id, String key) {
    String owner = SessionIds.owner(id);
    if (owner == null) {
      return Future.succeededFuture(Answer.UNKNOWN_SESSION);
    }
    if (owner.equals(nodeId)) {
      return local.end(id, key);
    }
    return forward(
        owner, new JsonObject().put("op", "end").put("id", id).put("key", key), endOptions);
  }

  /**
   * A node that no longer listens has taken its sessions with it; one that does not answer in time
   * may be paused, and the client may ask again.
   */
  private Future<Answer> forward(String owner, JsonObject request, DeliveryOptions options) {
    return vertx
        .eventBus()
        .<JsonObject>request(address(owner), request, options)
        .transform(
            reply -> {
              if (reply.succeeded()) {
                return Future.succeededFuture(Answer.fromJson(reply.result().body()));
              }
              boolean gone =
                  reply.cause() instanceof ReplyException failure
                      && failure.failureType() == ReplyFailure.NO_HANDLERS;
              return Future.succeededFuture(gone ? Answer.UNKNOWN_SESSION : Answer.NO_ANSWER);
            });
  }
}
