package dev.signaling.node.routing;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames one event loop sent to other nodes without a reply each, until the target node
 * confirms them in one of its batches (see {@link StreamConfirmer}): one stream per target node,
 * the frames numbered in the order they were sent, each confirmed on its own, in any order. A frame
 * lost between the nodes (their connection broke) is never confirmed, and ends as one whose node
 * did not answer. A frame not confirmed within the delivery timeout fails as a request would that
 * got no reply, so that what follows (the target node died: hold the frame for the user's resume)
 * is the same.
 *
 * <p>Confined to its event loop: frames are sent from it, confirmations and the timeout sweep run
 * on it.
 */
final class StreamedSends {
  /** How often frames are checked for a confirmation overdue. */
  static final long SWEEP_MS = 200;

  /**
   * A stream without frames waiting for this long is forgotten, and numbered anew if used again.
   */
  private static final long IDLE_NANOS = 60_000_000_000L;

  private final Vertx vertx;
  private final String nodeId;
  private final int id;
  private final ContextInternal context;
  private final DeliveryOptions options;
  private final long timeoutNanos;
  private final Map<String, Outgoing> byNode = new HashMap<>();
  private long sent;

  private final DeliveryStreams counts;

  StreamedSends(
      Vertx vertx,
      String nodeId,
      int id,
      ContextInternal context,
      long timeoutMs,
      DeliveryStreams counts) {
    this.vertx = vertx;
    this.counts = counts;
    this.nodeId = nodeId;
    this.id = id;
    this.context = context;
    this.timeoutNanos = timeoutMs * 1_000_000;
    this.options = new DeliveryOptions().setCodecName(DeliveryCodec.NAME);
    context.setPeriodic(SWEEP_MS, tick -> sweep());
  }

  EventLoop eventLoop() {
    return context.nettyEventLoop();
  }

  /** Runs {@code action} on this stream's event loop. */
  void onLoop(Runnable action) {
    context.runOnContext(task -> action.run());
  }

  /**
   * Sends {@code frame} to its one recipient on {@code node}; completes with what that node's inbox
   * made of it, as {@link LocalDelivery#write} counts, once confirmed.
   */
  Future<Written> send(String node, String sender, String frame, Delivery.Recipient recipient) {
    counts.sentInStream();
    Outgoing stream = byNode.computeIfAbsent(node, ignored -> new Outgoing());
    // Numbered across all nodes, never twice: a confirmation that comes very late (its node was
    // frozen) can never be taken for another frame's.
    long seq = ++sent;
    long now = System.nanoTime();
    stream.lastUsed = now;
    Pending pending = new Pending(now, context.promise());
    stream.waiting.put(seq, pending);
    vertx
        .eventBus()
        .send(
            NodeAddresses.deliver(node),
            new Delivery(
                sender,
                frame,
                List.of(recipient),
                System.currentTimeMillis(),
                new Delivery.Streamed(nodeId, id, seq)),
            options);
    return pending.result.future();
  }

  /** {@code node}'s batch for this stream; see {@link Confirmation}. On this event loop. */
  void confirmed(String node, Confirmation batch) {
    Outgoing stream = byNode.get(node);
    if (stream == null) {
      return;
    }
    long arrived = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      // Gone already when it timed out: the sender has been told, and a late outcome changes
      // nothing.
      Pending pending = stream.waiting.remove(batch.seqs()[i]);
      if (pending == null) {
        continue;
      }
      int outcome = batch.outcomes()[i];
      if (outcome == StreamConfirmer.LATE) {
        unanswered(pending, DeliveryStreams.Unconfirmed.LATE);
      } else {
        pending.result.complete(new Written(outcome, arrived - batch.waitedMicros()[i] * 1_000L));
      }
    }
    stream.lastUsed = arrived;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Iterator<Outgoing> streams = byNode.values().iterator(); streams.hasNext(); ) {
      Outgoing stream = streams.next();
      // Oldest first: the sweep stops at the first frame still in time.
      for (Iterator<Pending> waiting = stream.waiting.values().iterator(); waiting.hasNext(); ) {
        Pending pending = waiting.next();
        if (now - pending.sentAt < timeoutNanos) {
          break;
        }
        waiting.remove();
        unanswered(pending, DeliveryStreams.Unconfirmed.TIMEOUT);
      }
      if (stream.waiting.isEmpty() && now - stream.lastUsed > IDLE_NANOS) {
        streams.remove();
      }
    }
  }

  /** Fails {@code pending} as a request fails that got no reply in time. */
  private void unanswered(Pending pending, DeliveryStreams.Unconfirmed reason) {
    counts.unconfirmed(reason);
    pending.result.fail(new ReplyException(ReplyFailure.TIMEOUT, "not confirmed: " + reason.tag()));
  }

  /**
   * What the target's inbox made of a frame: a count as {@link LocalDelivery#write} gives it, and
   * when it was written, on this node's clock ({@link System#nanoTime}), as well as it can be told.
   */
  record Written(int count, long atNanos) {}

  /** The frames sent to one node and not yet confirmed, by number, oldest first. */
  private static final class Outgoing {
    final LinkedHashMap<Long, Pending> waiting = new LinkedHashMap<>();
    long lastUsed = System.nanoTime();
  }

  private record Pending(long sentAt, Promise<Written> result) {}
}
