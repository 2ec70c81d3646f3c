package dev.signaling.node.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for conditions that no event announces. */
public final class Poll {
  private Poll() {}

  /**
   * Checks {@code condition} every 50 ms until it holds; fails after {@code timeout}. Returns the
   * wait.
   */
  public static Duration until(BooleanSupplier condition, Duration timeout, String what) {
    return until(condition, timeout, () -> what);
  }

  /** As {@link #until(BooleanSupplier, Duration, String)}, saying what was last seen on failure. */
  public static Duration until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what.get());
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
