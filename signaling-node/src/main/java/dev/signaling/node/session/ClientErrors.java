package dev.signaling.node.session;

import dev.signaling.node.base.Refusal;
import dev.signaling.node.routing.RelayMetrics;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.ProtocolException;
import dev.signaling.protocol.ServerMessages;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a client what was wrong with what it sent, or why what it asked for failed, and counts it.
 * Used on the connection's event loop only.
 */
final class ClientErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ClientErrors.class);

  private final ClientLink link;
  private final RelayMetrics metrics;
  private final SessionMetrics sessionMetrics;
  private final BooleanSupplier closed;
  private final Supplier<String> who;

  /**
   * @param closed whether the connection has closed: nobody is left to tell
   * @param who the client, for log lines
   */
  ClientErrors(
      ClientLink link,
      RelayMetrics metrics,
      SessionMetrics sessionMetrics,
      BooleanSupplier closed,
      Supplier<String> who) {
    this.link = link;
    this.metrics = metrics;
    this.sessionMetrics = sessionMetrics;
    this.closed = closed;
    this.who = who;
  }

  static ErrorCode codeOf(Throwable failure) {
    return failure instanceof Refusal refusal ? refusal.code() : ErrorCode.INTERNAL_ERROR;
  }

  /** A message the protocol refuses: answered, and the connection goes on. */
  void refuse(ProtocolException refused) {
    metrics.rejected(refused.code());
    // Malformed messages are answered and the connection goes on: the budget bounds how many.
    if (refused.code() == ErrorCode.INVALID_NAME) {
      sessionMetrics.loginFailed(ErrorCode.INVALID_NAME);
    }
    send(ServerMessages.error(refused));
  }

  /** Tells the client why what it asked for failed. */
  void refuse(Throwable failure, Object id, String target) {
    if (failure instanceof Refusal refusal) {
      send(ServerMessages.error(refusal.code(), refusal.getMessage(), id, target));
    } else if (!closed.getAsBoolean()) {
      LOG.error("failed to handle a message from {}", who.get(), failure);
      send(ServerMessages.error(ErrorCode.INTERNAL_ERROR, null, id, target));
    }
  }

  /**
   * A client that went on sending faster than its rate, although its reading was slowed down to it,
   * is flooding on purpose: it is cut off, its unread frames unread.
   */
  void cutOffFlood(int messagesPerSecond) {
    metrics.rejected(ErrorCode.RATE_LIMITED);
    send(
        ServerMessages.error(
            ErrorCode.RATE_LIMITED,
            "Sent more than "
                + messagesPerSecond
                + " messages a second for over "
                + ReadThrottle.FLOOD_NANOS / 1_000_000_000L
                + " of "
                + ReadThrottle.FLOOD_WINDOW_NANOS / 1_000_000_000L
                + " seconds; the connection is closed.",
            null,
            null));
    link.close(Session.POLICY_VIOLATION, ErrorCode.RATE_LIMITED.code());
  }

  /** Writes a frame to the client while its connection is open. */
  void send(String frame) {
    // The connection is gone; whatever failed failed because of that, and nobody is left to tell.
    if (!closed.getAsBoolean()) {
      link.write(frame);
    }
  }
}
