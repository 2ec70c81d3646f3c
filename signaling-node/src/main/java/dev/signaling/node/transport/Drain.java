package dev.signaling.node.transport;

import dev.signaling.node.session.ClientSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends a shutting-down node's clients away without a stampede: each gets {@code go-away} and a
 * 1001 close, in batches spread evenly over the drain window, and is told to wait a moment more
 * before reconnecting so that even one batch does not arrive elsewhere at once.
 */
public final class Drain {
  /**
   * Batches are at least this far apart; fewer connections than that means one connection a batch.
   */
  private static final Duration BATCH_INTERVAL = Duration.ofMillis(100);

  /** Reconnect delays are spread up to this much. */
  private static final long MAX_RECONNECT_AFTER_MS = 1000;

  /**
   * How long closes may take to complete, beyond the answers still due, after the last batch before
   * the node stops anyway.
   */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private Drain() {}

  /**
   * Completes once every connection open now has been sent away and closed (or the grace ran out).
   *
   * @param answersDue how long a connection sent away may wait for the answers to what its client
   *     sent last before it closes ({@code DELIVERY_TIMEOUT_MS}): stopping sooner would cut those
   *     connections with a plain close instead of 1001
   */
  public static Future<Void> run(
      Vertx vertx, OpenConnections connections, Duration window, Duration answersDue) {
    List<ClientSession> all = connections.snapshot();
    if (all.isEmpty()) {
      return Future.succeededFuture();
    }
    int batches =
        (int) Math.max(1, Math.min(all.size(), window.toMillis() / BATCH_INTERVAL.toMillis()));
    long interval = window.toMillis() / batches;
    for (int batch = 0; batch < batches; batch++) {
      // Connection i goes in batch i * batches / n: every batch gets its share, none is left empty.
      List<ClientSession> members =
          all.subList(
              (int) ((long) batch * all.size() / batches),
              (int) ((long) (batch + 1) * all.size() / batches));
      // The first batch leaves at once; the last one just before the window closes.
      vertx.setTimer(
          1 + batch * interval,
          fired ->
              members.forEach(
                  connection ->
                      connection.goAway(
                          ThreadLocalRandom.current().nextLong(MAX_RECONNECT_AFTER_MS))));
    }
    Promise<Void> closed = Promise.promise();
    long deadline = System.nanoTime() + window.plus(answersDue).plus(CLOSE_GRACE).toNanos();
    vertx.setPeriodic(
        window.toMillis() / batches + 1,
        BATCH_INTERVAL.toMillis(),
        check -> {
          if (all.stream().noneMatch(connections::isOpen) || System.nanoTime() > deadline) {
            vertx.cancelTimer(check);
            closed.tryComplete();
          }
        });
    return closed.future();
  }
}
