package dev.signaling.node.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for conditions that no event announces. */
public final class Poll {
  private Poll() {}

  /**
   * Checks {@code condition} every 50 ms until it holds; fails after {@code timeout}. Returns the
   * wait.
   */
  public static Duration until(BooleanSupplier condition, Duration timeout, String what) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
