package dev.signaling.node.session;

import io.vertx.core.Future;

/**
 * One client connection as the session core sees it, whatever carries it: what a transport provides
 * to a {@link ClientSession}. Called on the connection's event loop only.
 */
public interface ClientLink {

  /** Writes one frame to the client; completes once it is handed to the connection. */
  Future<Void> write(String frame);

  /** Closes the connection with a WebSocket close code and a reason. */
  void close(short code, String reason);

  /**
   * Stops reading what the client sends until {@link #resumeReading()}: it waits in the connection.
   */
  void pauseReading();

  void resumeReading();

  /** Who is on the other end, for log lines: the client's address. */
  String describe();

  /** What carries the client's frames, as the metrics tag it: {@code websocket} or {@code http}. */
  String transport();
}
