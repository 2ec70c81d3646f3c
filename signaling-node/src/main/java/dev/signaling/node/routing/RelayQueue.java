package dev.signaling.node.routing;

import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;

/**
 * Relays one sender's frames in the order they were sent, however long each presence lookup takes: a
 * frame is handed to the transport only after every earlier frame has been. Frames queued for the same
 * target while a lookup is in flight share its answer, so a burst of ICE candidates costs one lookup.
 *
 * <p>Not thread-safe: used only on its sender's event loop.
 */
public final class RelayQueue {
  private final Presence presence;
  private final Router router;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean lookingUp;

  RelayQueue(Presence presence, Router router) {
    this.presence = presence;
    this.router = router;
  }

  /**
   * Queues {@code frame} for {@code target}; completes once it is written to the target's socket, or fails
   * with a {@link DeliveryFailure}.
   */
  public Future<Void> relay(String target, String frame) {
    Pending pending = new Pending(target, frame, Promise.promise());
    queue.add(pending);
    if (!lookingUp) {
      lookUpHead();
    }
    return pending.result.future();
  }

  private void lookUpHead() {
    Pending head = queue.peek();
    if (head == null) {
      return;
    }
    lookingUp = true;
    presence.lookup(head.target).onComplete(
        entry -> dispatchRun(head.target, entry),
        failure -> failRun(head.target));
  }

  private void dispatchRun(String target, PresenceEntry entry) {
    while (!queue.isEmpty() && queue.peek().target.equals(target)) {
      Pending pending = queue.poll();
      router.deliver(target, entry, pending.frame).onComplete(pending.result);
    }
    lookingUp = false;
    lookUpHead();
  }

  private void failRun(String target) {
    while (!queue.isEmpty() && queue.peek().target.equals(target)) {
      queue.poll().result.fail(new DeliveryFailure(ErrorCode.SERVER_UNAVAILABLE));
    }
    lookingUp = false;
    lookUpHead();
  }

  private record Pending(String target, String frame, Promise<Void> result) {
  }
}
