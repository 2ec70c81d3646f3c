package dev.signaling.node.transport;

import dev.signaling.node.session.Outbound;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;

/** A session's frames leave as WebSocket text messages. */
record WebSocketOutbound(ServerWebSocket socket) implements Outbound {

  @Override
  public Future<Void> write(String frame) {
    return socket.writeTextMessage(frame);
  }

  @Override
  public void close(short code, String reason) {
    socket.close(code, reason);
  }
}
