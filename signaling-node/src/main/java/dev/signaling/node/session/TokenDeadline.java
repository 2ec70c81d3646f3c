package dev.signaling.node.session;

import dev.signaling.node.security.Identity;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;

/**
 * Ends a connection when its login token expires, unless a fresh token arrives first. A token
 * without {@code exp} never expires: the deadline goes with the token it came from. Used on the
 * connection's event loop only.
 */
final class TokenDeadline {
  private final Vertx vertx;
  private final Runnable onExpiry;
  private long timer = -1;

  TokenDeadline(Vertx vertx, Runnable onExpiry) {
    this.vertx = vertx;
    this.onExpiry = onExpiry;
  }

  /** The deadline of {@code identity}'s token, in place of any earlier one. */
  void expireAt(Identity identity) {
    cancel();
    if (identity.expiresAt() != null) {
      long millis = Math.max(1, Duration.between(Instant.now(), identity.expiresAt()).toMillis());
      timer = vertx.setTimer(millis, fired -> onExpiry.run());
    }
  }

  void cancel() {
    vertx.cancelTimer(timer);
  }
}
