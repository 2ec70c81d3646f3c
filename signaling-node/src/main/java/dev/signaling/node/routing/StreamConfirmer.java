package dev.signaling.node.routing;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A node's side of the streams of frames sent to its inbox without a reply each (see {@link
 * StreamedSends}): collects the outcomes of each stream's frames and confirms them to their node in
 * batches, one at most every {@code CONFIRM_BATCH_MS} while frames come, and at once when one
 * failed, so that the sender acts on it (holds it for an away user, or looks for where the user is
 * now) without waiting.
 *
 * <p>One per event loop, confined to it: an outcome is settled on the loop where it became known,
 * the target session's, so that it needs no hop back to the inbox's loop.
 */
final class StreamConfirmer {
  /** The frame arrived after its sender stopped waiting, and was not written. */
  static final int LATE = -2;

  private static final long IDLE_NANOS = 120_000_000_000L;

  private final Vertx vertx;
  private final String nodeId;
  private final long batchMs;

  /** By sending node, then by its stream: no key to build per frame. */
  private final Map<String, Map<Integer, Inbound>> streams = new HashMap<>();

  private final List<Inbound> due = new ArrayList<>();
  private boolean flushScheduled;

  /**
   * @param batchMs how long a written frame's confirmation may wait for others to share its batch
   */
  StreamConfirmer(Vertx vertx, String nodeId, long batchMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.batchMs = Math.max(1, batchMs);
  }

  /** Frame {@code streamed}'s outcome, as {@link LocalDelivery#write} counts, or {@link #LATE}. */
  void settle(Delivery.Streamed streamed, int outcome) {
    Inbound stream =
        streams
            .computeIfAbsent(streamed.node(), node -> new HashMap<>())
            .computeIfAbsent(streamed.stream(), id -> new Inbound(streamed.node(), id));
    long now = System.nanoTime();
    stream.lastUsed = now;
    stream.batch.add(new Settled(streamed.seq(), outcome, now));
    if (outcome != 1) {
      flush(stream);
      return;
    }
    if (!stream.due) {
      stream.due = true;
      due.add(stream);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      vertx.setTimer(batchMs, fired -> flushDue());
    }
  }

  private void flushDue() {
    flushScheduled = false;
    for (Inbound stream : due) {
      stream.due = false;
      flush(stream);
    }
    due.clear();
    long now = System.nanoTime();
    for (Iterator<Map<Integer, Inbound>> nodes = streams.values().iterator(); nodes.hasNext(); ) {
      Map<Integer, Inbound> ofNode = nodes.next();
      ofNode.values().removeIf(stream -> !stream.due && now - stream.lastUsed > IDLE_NANOS);
      if (ofNode.isEmpty()) {
        nodes.remove();
      }
    }
  }

  private void flush(Inbound stream) {
    List<Settled> batch = stream.batch;
    if (batch.isEmpty()) {
      return;
    }
    long[] seqs = new long[batch.size()];
    int[] outcomes = new int[batch.size()];
    int[] waited = new int[batch.size()];
    long now = System.nanoTime();
    for (int i = 0; i < seqs.length; i++) {
      Settled settled = batch.get(i);
      seqs[i] = settled.seq;
      outcomes[i] = settled.outcome;
      waited[i] = (int) Math.min(Integer.MAX_VALUE, (now - settled.at) / 1_000);
    }
    batch.clear();
    vertx
        .eventBus()
        .send(
            NodeAddresses.confirm(stream.node),
            new Confirmation(nodeId, stream.stream, seqs, outcomes, waited).toBuffer());
  }

  /** One stream from one event loop of another node. */
  private static final class Inbound {
    final String node;
    final int stream;
    final List<Settled> batch = new ArrayList<>();
    long lastUsed;
    boolean due;

    Inbound(String node, int stream) {
      this.node = node;
      this.stream = stream;
    }
  }

  /** A frame's outcome, known at {@code at} ({@link System#nanoTime}). */
  private record Settled(long seq, int outcome, long at) {}
}
