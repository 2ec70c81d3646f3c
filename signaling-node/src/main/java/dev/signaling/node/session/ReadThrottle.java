package dev.signaling.node.session;

import io.vertx.core.Vertx;

/**
 * Holds one connection to its message budget by reading more slowly instead of refusing. When a
 * message empties the bucket, the socket is paused: what the client sends next waits in the socket
 * and in TCP, whose backpressure slows the sender down at no cost to the node, and reading resumes
 * once a token is back. Nothing is dropped, and no message is answered with an error for being
 * early.
 *
 * <p>A client held back for more than {@link #FLOOD_NANOS} of a {@link #FLOOD_WINDOW_NANOS} window
 * keeps sending faster than its rate long after its burst is spent: it is reported as a flood and
 * stays paused, so that it can be cut off without the node reading another frame of it.
 *
 * <p>Within the budget, a burst is read {@link #MESSAGES_PER_TURN} messages at a time, with the
 * other connections of the event loop served in between, so that a client spending its whole burst
 * at once does not hold up everyone else's messages meanwhile.
 *
 * <p>The connection pauses its socket for other reasons too (while a login is decided): the
 * throttle counts every reason, so that none of them resumes reading that another still holds
 * paused. Used on the connection's event loop only.
 */
final class ReadThrottle {
  static final long FLOOD_WINDOW_NANOS = 10_000_000_000L;
  static final long FLOOD_NANOS = 8_000_000_000L;

  /**
   * The shortest pause, so that a flooder costs the node at most one wakeup per this, not one per
   * token.
   */
  private static final long MIN_PAUSE_NANOS = 20_000_000L;

  /**
   * Messages read in a row before the connection lets its event loop serve the others for a moment:
   * a burst within the budget is read at once, but not ahead of everyone else's messages.
   */
  private static final int MESSAGES_PER_TURN = 16;

  private final Vertx vertx;
  private final ClientLink link;
  private final TokenBucket budget;
  private final SessionMetrics metrics;
  private final Runnable onFlood;
  private int holds;
  private int readThisTurn;
  private boolean throttled;
  private boolean flooding;
  private boolean stopped;
  private long pausedAt;
  private long windowStart;
  private long throttledInWindow;

  /**
   * {@code onFlood} runs once, when the client has been held back too long; reading stays paused.
   */
  ReadThrottle(
      Vertx vertx,
      ClientLink link,
      int ratePerSecond,
      int burst,
      SessionMetrics metrics,
      Runnable onFlood) {
    long now = System.nanoTime();
    this.vertx = vertx;
    this.link = link;
    this.budget = new TokenBucket(ratePerSecond, burst, now);
    this.metrics = metrics;
    this.onFlood = onFlood;
    this.windowStart = now - FLOOD_WINDOW_NANOS;
  }

  /**
   * Charges a message just read to the budget, whatever it turns out to be; when that empties the
   * bucket, stops reading until a token is back.
   */
  void charge() {
    long now = System.nanoTime();
    budget.take(now);
    if (throttled || flooding) {
      return;
    }
    if (!budget.hasToken(now)) {
      throttle(now);
    } else if (++readThisTurn == MESSAGES_PER_TURN) {
      readThisTurn = 0;
      hold();
      // A timer, not runOnContext: the event loop runs queued tasks back to back, but reads the
      // sockets that are ready before it runs a timer.
      vertx.setTimer(1, next -> release());
    }
  }

  /** Stops reading for a reason of the caller's, until as many {@link #release}s. */
  void hold() {
    if (holds++ == 0) {
      link.pauseReading();
    }
  }

  /** Ends one {@link #hold}; reading resumes when no reason is left. */
  void release() {
    if (--holds == 0 && !flooding) {
      link.resumeReading();
    }
  }

  /** The connection closed: nothing is to be resumed any more. */
  void stop() {
    stopped = true;
  }

  private void throttle(long now) {
    throttled = true;
    if (now - windowStart >= FLOOD_WINDOW_NANOS) {
      windowStart = now;
      throttledInWindow = 0;
    }
    pausedAt = now;
    metrics.throttled();
    hold();
    long pauseNanos = Math.max(MIN_PAUSE_NANOS, budget.nanosUntilToken(now));
    vertx.setTimer((pauseNanos + 999_999) / 1_000_000, fired -> unthrottle());
  }

  private void unthrottle() {
    throttled = false;
    if (stopped) {
      return;
    }
    throttledInWindow += System.nanoTime() - pausedAt;
    if (throttledInWindow > FLOOD_NANOS) {
      flooding = true;
      onFlood.run();
      return;
    }
    release();
  }
}
