package dev.signaling.node.routing;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The outcomes of the deliveries this node wrote, gathered per node they came from and sent back in
 * one message per batch (see {@link DeliveryConfirmations}). A batch is sent {@link #delayMillis}
 * after its first outcome, or at once when full; with no delay, at the end of the event loop's
 * current task, carrying what that task wrote. Confined to the inbox's event loop.
 */
final class ConfirmationBatches {
  private static final int MAX_BATCH = 512;
  private static final DeliveryOptions OPTIONS =
      new DeliveryOptions().setCodecName(ConfirmationsCodec.NAME);

  private final Vertx vertx;
  private final long delayMillis;
  private final Map<String, Batch> byOrigin = new HashMap<>();

  ConfirmationBatches(Vertx vertx, long delayMillis) {
    this.vertx = vertx;
    this.delayMillis = delayMillis;
  }

  /** Adds the outcome of delivery {@code seq} from {@code origin} to the batch going back there. */
  void add(String origin, long seq, int result) {
    Batch batch = byOrigin.computeIfAbsent(origin, ignored -> new Batch());
    if (batch.size == 0) {
      if (delayMillis > 0) {
        vertx.setTimer(delayMillis, timer -> flush(origin, batch));
      } else {
        vertx.runOnContext(now -> flush(origin, batch));
      }
    }
    batch.add(seq, result);
    if (batch.size == MAX_BATCH) {
      flush(origin, batch);
    }
  }

  /** Sends every batch now: the inbox is stopping. */
  void flushAll() {
    byOrigin.forEach(this::flush);
  }

  private void flush(String origin, Batch batch) {
    if (batch.size == 0) {
      // Sent already because it was full; a new batch has a flush of its own.
      return;
    }
    Confirmations confirmations =
        new Confirmations(
            Arrays.copyOf(batch.seqs, batch.size), Arrays.copyOf(batch.results, batch.size));
    batch.size = 0;
    vertx.eventBus().send(NodeAddresses.confirmations(origin), confirmations, OPTIONS);
  }

  private static final class Batch {
    long[] seqs = new long[16];
    int[] results = new int[16];
    int size;

    void add(long seq, int result) {
      if (size == seqs.length) {
        seqs = Arrays.copyOf(seqs, size * 2);
        results = Arrays.copyOf(results, size * 2);
      }
      seqs[size] = seq;
      results[size] = result;
      size++;
    }
  }
}
