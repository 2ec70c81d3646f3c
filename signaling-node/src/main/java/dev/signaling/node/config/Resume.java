package dev.signaling.node.config;

import java.time.Duration;

/**
 * How a session whose connection ended without a logout may be resumed.
 *
 * @param window how long it may be resumed, on any node; zero turns resume off
 * @param maxMessages messages held at most for it meanwhile
 * @param maxBytes characters of messages held at most for it meanwhile
 */
public record Resume(Duration window, int maxMessages, int maxBytes) {

  public boolean enabled() {
    return !window.isZero();
  }
}
