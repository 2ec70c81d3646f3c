package dev.signaling.node.transport;

/**
 * A per-connection message budget: {@code ratePerSecond} on average, up to {@code burst} at once, so the
 * dozens of ICE candidates a browser sends in a second pass while a flood does not. Used on one event loop
 * only.
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

  /** Takes one token if there is one; {@code now} from {@link System#nanoTime()}. */
  boolean tryTake(long now) {
    tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
