package dev.signaling.node.routing;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.HeldMessage;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outcomes of frames this node's senders offered to away users, which are held in the cluster:
 * whichever node later delivers them (after a resume) or gives up on them (the window ended, a
 * newer login took the name) tells the senders' nodes here, over the event bus. A sender whose
 * outcome never comes (the node that was to tell it died with the news) is told peer-unavailable
 * once the window and a margin have passed.
 */
public final class HeldReplies {
  /** The outcome codes that cross the event bus: empty for delivered. */
  public static final String DELIVERED = "";

  private final Vertx vertx;
  private final String nodeId;
  private final Duration patience;
  private final AtomicLong refs = new AtomicLong();
  private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();

  /**
   * @param patience how long a sender waits for the outcome at most: the window and a margin
   */
  public HeldReplies(Vertx vertx, String nodeId, Duration patience) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.patience = patience;
  }

  /** Listens for the outcomes other nodes send this node. */
  public Future<Void> start() {
    return vertx
        .eventBus()
        .<JsonArray>consumer(NodeAddresses.held(nodeId), message -> settle(message.body()))
        .completion();
  }

  /**
   * A reference for a frame this node is about to send to a user, in the order they are sent: held
   * frames of one sender are delivered in the order of their references.
   */
  long nextRef() {
    return refs.incrementAndGet();
  }

  /**
   * The frame {@code ref} names is about to be held: completes on the caller's context when its
   * outcome is known. The outcome may come before the hold is even confirmed (the user resumed at
   * once), so it is awaited from now on.
   */
  Future<Void> expect(long ref) {
    Waiting held = new Waiting(Promise.promise());
    waiting.put(ref, held);
    held.timer =
        vertx.setTimer(
            patience.toMillis(), late -> complete(ref, ErrorCode.PEER_UNAVAILABLE.code()));
    return OwnerContext.onCaller(held.promise.future());
  }

  /** The frame was not held after all. */
  void forget(long ref) {
    Waiting held = waiting.remove(ref);
    if (held != null) {
      vertx.cancelTimer(held.timer);
    }
  }

  /** Tells the senders of {@code messages} how they ended: {@link #DELIVERED} or an error code. */
  public void answer(Collection<HeldMessage> messages, String code) {
    Map<String, JsonArray> byNode = new HashMap<>();
    for (HeldMessage message : messages) {
      byNode
          .computeIfAbsent(message.senderNode(), node -> new JsonArray())
          .add(new JsonArray(List.of(message.ref(), code)));
    }
    byNode.forEach(
        (node, outcomes) -> {
          if (node.equals(nodeId)) {
            settle(outcomes);
          } else {
            // Not confirmed: a sender's node that is gone has nobody left to tell.
            vertx.eventBus().send(NodeAddresses.held(node), outcomes);
          }
        });
  }

  private void settle(JsonArray outcomes) {
    for (int i = 0; i < outcomes.size(); i++) {
      JsonArray outcome = outcomes.getJsonArray(i);
      complete(outcome.getLong(0), outcome.getString(1));
    }
  }

  private void complete(long ref, String code) {
    Waiting held = waiting.remove(ref);
    if (held == null) {
      return;
    }
    vertx.cancelTimer(held.timer);
    if (DELIVERED.equals(code)) {
      held.promise.tryComplete();
    } else {
      ErrorCode error = ErrorCode.fromCode(code);
      held.promise.tryFail(new Refusal(error != null ? error : ErrorCode.PEER_UNAVAILABLE));
    }
  }

  /** A sender waiting for a held frame's outcome. */
  private static final class Waiting {
    final Promise<Void> promise;
    volatile long timer = -1;

    Waiting(Promise<Void> promise) {
      this.promise = promise;
    }
  }
}
