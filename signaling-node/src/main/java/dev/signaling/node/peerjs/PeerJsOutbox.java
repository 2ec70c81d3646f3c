package dev.signaling.node.peerjs;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.base.Refusal;
import dev.signaling.node.peerjs.PeerJsMetrics.Outcome;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * One PeerJS client's messages on their way, per target id: what the PeerJS server's message queue
 * does, over the session core's relays. A message whose target is not connected is held and tried
 * again until the expire timeout, in case the target connects; then its sender gets one {@code
 * EXPIRE} for everything held for that target, as from the PeerJS server.
 *
 * <p>Order per target: while a target is not known to be reachable (its first message, or after a
 * message found it gone), one message at a time is sent and the rest wait here behind it; once one
 * is delivered the target is reachable, and messages go out without waiting, the session core's
 * relay queue keeping their order. Used on the connection's event loop only.
 */
final class PeerJsOutbox {
  /** First wait before a held message is tried again; doubled up to {@link #MAX_RETRY_MS}. */
  private static final long FIRST_RETRY_MS = 50;

  private static final long MAX_RETRY_MS = 500;

  /** Sends one frame through the session core; completes on the connection's event loop. */
  interface Relay {
    Future<Void> send(String type, String target, String frame);
  }

  private final Vertx vertx;
  private final OwnerContext owner = OwnerContext.ofCaller();
  private final Relay relay;
  private final PeerJsLink link;
  private final PeerJsMetrics metrics;
  private final String self;
  private final long expireNanos;
  private final long maxHeldChars;
  private final Map<String, Lane> lanes = new HashMap<>();
  private long heldChars;
  private long sent;
  private boolean closed;

  /**
   * @param self the client's own id
   * @param maxHeldChars characters of messages waiting here at most; a message beyond expires at
   *     once
   */
  PeerJsOutbox(
      Vertx vertx,
      Relay relay,
      PeerJsLink link,
      PeerJsMetrics metrics,
      String self,
      long expireNanos,
      long maxHeldChars) {
    this.vertx = vertx;
    this.relay = relay;
    this.link = link;
    this.metrics = metrics;
    this.self = self;
    this.expireNanos = expireNanos;
    this.maxHeldChars = maxHeldChars;
  }

  /** Relays a frame the client sent to {@code dst}, which {@link PeerJsFrames#relayed} built. */
  void send(String type, String dst, String frame) {
    owner.check();
    if (closed) {
      return;
    }
    Lane lane = lanes.computeIfAbsent(dst, Lane::new);
    Message message = new Message(sent++, type, frame, System.nanoTime() + expireNanos);
    if (lane.waiting.isEmpty() && (lane.reachable || lane.inFlight == 0)) {
      dispatch(lane, message);
    } else if (heldChars + frame.length() > maxHeldChars) {
      // The client sends faster than its targets come: what it may park here is bounded.
      metrics.message(type, Outcome.EXPIRED);
      link.write(PeerJsFrames.expire(dst, self));
    } else {
      hold(lane, message);
    }
  }

  /** The connection closed: nothing is sent or told any more. */
  void close() {
    owner.check();
    closed = true;
    lanes.values().forEach(lane -> vertx.cancelTimer(lane.retry));
    lanes.clear();
  }

  private void dispatch(Lane lane, Message message) {
    lane.inFlight++;
    relay
        .send(message.type.toLowerCase(Locale.ROOT), PeerJsIds.sessionName(lane.dst), message.frame)
        .onComplete(result -> settle(lane, message, result));
  }

  private void settle(Lane lane, Message message, AsyncResult<Void> result) {
    owner.check();
    lane.inFlight--;
    if (closed) {
      return;
    }
    ErrorCode code = result.succeeded() ? null : codeOf(result.cause());
    if (code == null) {
      lane.reachable = true;
      lane.backoff = FIRST_RETRY_MS;
      metrics.message(message.type, Outcome.DELIVERED);
    } else if (code == ErrorCode.PEER_UNAVAILABLE || code == ErrorCode.SERVER_UNAVAILABLE) {
      // Not delivered: the target is not connected, or where it is could not be found out.
      lane.reachable = false;
      if (message.type.equals(PeerJsFrames.LEAVE) || message.type.equals(PeerJsFrames.EXPIRE)) {
        // Nobody to tell; the PeerJS server does not keep these either.
        metrics.message(message.type, Outcome.DROPPED);
      } else {
        metrics.held();
        hold(lane, message);
        scheduleRetry(lane);
      }
    } else {
      // delivery-failed: the target's node did not confirm; it may have arrived, so it is not
      // sent again.
      metrics.message(
          message.type,
          code == ErrorCode.DELIVERY_FAILED ? Outcome.DELIVERY_FAILED : Outcome.DROPPED);
    }
    pump(lane);
  }

  /** Sends what waits in {@code lane} when nothing holds it back. */
  private void pump(Lane lane) {
    if (lane.inFlight > 0 || lane.retry >= 0) {
      return;
    }
    if (lane.waiting.isEmpty()) {
      lanes.remove(lane.dst, lane);
      return;
    }
    if (lane.reachable) {
      while (!lane.waiting.isEmpty()) {
        dispatch(lane, unhold(lane));
      }
    } else {
      // One at a time until one gets through.
      dispatch(lane, unhold(lane));
    }
  }

  private void scheduleRetry(Lane lane) {
    if (lane.retry >= 0) {
      return;
    }
    long untilExpiry = (lane.waiting.peekFirst().deadline - System.nanoTime()) / 1_000_000;
    long delay = Math.max(1, Math.min(lane.backoff, untilExpiry));
    lane.backoff = Math.min(MAX_RETRY_MS, lane.backoff * 2);
    lane.retry = vertx.setTimer(delay, fired -> retry(lane));
  }

  private void retry(Lane lane) {
    lane.retry = -1;
    if (closed || lanes.get(lane.dst) != lane) {
      return;
    }
    Message first = lane.waiting.peekFirst();
    if (first != null && first.deadline - System.nanoTime() <= 0) {
      expire(lane);
    } else if (lane.inFlight > 0) {
      scheduleRetry(lane);
    } else {
      pump(lane);
    }
  }

  /** Everything held for the lane's target expired: one EXPIRE, as the PeerJS server sends. */
  private void expire(Lane lane) {
    for (Iterator<Message> held = lane.waiting.iterator(); held.hasNext(); ) {
      Message message = held.next();
      heldChars -= message.frame.length();
      metrics.message(message.type, Outcome.EXPIRED);
      held.remove();
    }
    lane.backoff = FIRST_RETRY_MS;
    link.write(PeerJsFrames.expire(lane.dst, self));
    pump(lane);
  }

  /** Puts a message among the lane's waiting ones, in the order the client sent them. */
  private void hold(Lane lane, Message message) {
    heldChars += message.frame.length();
    if (lane.waiting.isEmpty() || lane.waiting.peekLast().seq < message.seq) {
      lane.waiting.addLast(message);
      return;
    }
    // A message that failed after later ones were sent goes back ahead of them.
    ArrayDeque<Message> reordered = new ArrayDeque<>(lane.waiting.size() + 1);
    boolean placed = false;
    for (Message waiting : lane.waiting) {
      if (!placed && message.seq < waiting.seq) {
        reordered.addLast(message);
        placed = true;
      }
      reordered.addLast(waiting);
    }
    lane.waiting.clear();
    lane.waiting.addAll(reordered);
  }

  private Message unhold(Lane lane) {
    Message message = lane.waiting.pollFirst();
    heldChars -= message.frame.length();
    return message;
  }

  private static ErrorCode codeOf(Throwable failure) {
    return failure instanceof Refusal refusal ? refusal.code() : ErrorCode.INTERNAL_ERROR;
  }

  /** The messages to one target id. */
  private static final class Lane {
    final String dst;
    final ArrayDeque<Message> waiting = new ArrayDeque<>(2);
    int inFlight;
    boolean reachable;
    long retry = -1;
    long backoff = FIRST_RETRY_MS;

    Lane(String dst) {
      this.dst = dst;
    }
  }

  private record Message(long seq, String type, String frame, long deadline) {}
}
