package dev.signaling.node.routing;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The inbox's side of the streams of frames sent to it without a reply each (see {@link
 * StreamedSends}): collects the outcomes of each stream's frames and confirms them to their node in
 * batches, one at most every {@code CONFIRM_BATCH_MS} while frames come, and at once when one
 * failed, so that the sender acts on it (holds it for an away user, or looks for where the user is
 * now) without waiting. Frames of a stream found missing on arrival (the connection between the
 * nodes broke) are confirmed as {@link #LOST}.
 *
 * <p>Confined to the inbox's event loop.
 */
final class StreamConfirmer {
  /** The frame arrived after its sender stopped waiting, and was not written. */
  static final int LATE = -2;

  /** The frame never arrived. */
  static final int LOST = -3;

  /** A stream's frames that go missing in one go beyond this are taken as a stream begun anew. */
  private static final long MAX_GAP = 10_000;

  private static final long IDLE_NANOS = 120_000_000_000L;

  private final Vertx vertx;
  private final String nodeId;
  private final long batchMs;
  private final Map<String, Inbound> streams = new HashMap<>();
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

  /** A slot for frame {@code streamed} that has just arrived; {@link #settle} it once known. */
  Slot arrived(Delivery.Streamed streamed) {
    Inbound stream =
        streams.computeIfAbsent(
            streamed.node() + ':' + streamed.stream(),
            ignored -> new Inbound(streamed.node(), streamed.stream()));
    long seq = streamed.seq();
    stream.lastUsed = System.nanoTime();
    if (stream.expected != 0 && seq > stream.expected && seq - stream.expected <= MAX_GAP) {
      // Frames of one stream arrive in the order they were sent: those skipped never will.
      for (long missing = stream.expected; missing < seq; missing++) {
        settle(new Slot(stream, missing), LOST);
      }
    }
    stream.expected = seq + 1;
    return new Slot(stream, seq);
  }

  /** Frame {@code slot}'s outcome, as {@link LocalDelivery#write} counts, or {@link #LATE}. */
  void settle(Slot slot, int outcome) {
    slot.outcome = outcome;
    slot.settledAt = System.nanoTime();
    Inbound stream = slot.stream;
    stream.batch.add(slot);
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
    for (Iterator<Inbound> all = streams.values().iterator(); all.hasNext(); ) {
      Inbound stream = all.next();
      if (!stream.due && now - stream.lastUsed > IDLE_NANOS) {
        all.remove();
      }
    }
  }

  private void flush(Inbound stream) {
    List<Slot> batch = stream.batch;
    if (batch.isEmpty()) {
      return;
    }
    long[] seqs = new long[batch.size()];
    int[] outcomes = new int[batch.size()];
    int[] waited = new int[batch.size()];
    long now = System.nanoTime();
    for (int i = 0; i < seqs.length; i++) {
      Slot slot = batch.get(i);
      seqs[i] = slot.seq;
      outcomes[i] = slot.outcome;
      waited[i] = (int) Math.min(Integer.MAX_VALUE, (now - slot.settledAt) / 1_000);
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
    final List<Slot> batch = new ArrayList<>();
    long expected;
    long lastUsed;
    boolean due;

    Inbound(String node, int stream) {
      this.node = node;
      this.stream = stream;
    }
  }

  /** A frame of a stream whose outcome is awaited. */
  static final class Slot {
    final Inbound stream;
    final long seq;
    int outcome;
    long settledAt;

    private Slot(Inbound stream, long seq) {
      this.stream = stream;
      this.seq = seq;
    }
  }
}
