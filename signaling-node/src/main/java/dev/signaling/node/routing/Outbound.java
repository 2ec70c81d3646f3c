package dev.signaling.node.routing;

import io.vertx.core.Future;

/**
 * Where a session's frames leave: one client connection, whatever carries it. Used only on the
 * event loop that owns the connection.
 */
public interface Outbound {

  /** Writes one frame; completes once it is handed to the connection. */
  Future<Void> write(String frame);

  /** Closes the connection with a WebSocket close code and a reason. */
  void close(short code, String reason);
}
