package dev.signaling.node.session;

/**
 * A per-connection message budget: {@code ratePerSecond} on average, up to {@code burst} at once,
 * so the dozens of ICE candidates a browser sends in a second pass while a flood does not. Used on
 * one event loop only.
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long refilledAt;

  TokenBucket(int ratePerSecond, int burst, long now) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = now;
  }

  /**
   * Takes one token for a message already read, even from an empty bucket: the debt is paid back
   * from the refill before the next message. {@code now} from {@link System#nanoTime()}.
   */
  void take(long now) {
    refill(now);
    tokens -= 1;
  }

  /** Whether a message could be taken now without going into debt. */
  boolean hasToken(long now) {
    refill(now);
    return tokens >= 1;
  }

  /** Nanoseconds until a whole token is back; 0 if there is one now. */
  long nanosUntilToken(long now) {
    refill(now);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
  }

  private void refill(long now) {
    tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
    refilledAt = now;
  }
}
