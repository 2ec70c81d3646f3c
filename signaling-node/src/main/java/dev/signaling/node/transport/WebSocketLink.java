package dev.signaling.node.transport;

import dev.signaling.node.session.ClientLink;
import dev.signaling.node.session.ClientSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client on a WebSocket: its frames go to a {@link ClientSession}, and what the session writes
 * goes out as text messages. The WebSocket's own keep-alive is here: the node pings, and a client
 * that has said nothing, not even a pong, for two periods is gone.
 */
final class WebSocketLink implements ClientLink {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketLink.class);
  private static final short GOING_AWAY = 1001;

  private final ServerWebSocket socket;
  private long lastHeard = System.nanoTime();

  private WebSocketLink(ServerWebSocket socket) {
    this.socket = socket;
  }

  /** Serves the protocol on {@code socket}, on the calling event loop: the socket's. */
  static void serve(
      Vertx vertx, ServerWebSocket socket, String address, TransportServices services) {
    WebSocketLink link = new WebSocketLink(socket);
    ClientSession session = new ClientSession(services.sessions(), link);
    socket.textMessageHandler(
        text -> {
          link.heard();
          session.onText(text);
        });
    socket.binaryMessageHandler(
        binary -> {
          link.heard();
          session.onBinary();
        });
    socket.pongHandler(pong -> link.heard());
    socket.exceptionHandler(failure -> LOG.debug("WebSocket failure from {}", address, failure));
    long pingMillis = services.sessions().config().limits().pingInterval().toMillis();
    long pingTimer = vertx.setPeriodic(pingMillis, tick -> link.ping(pingMillis));
    services.connections().opened(session, address, "websocket");
    socket.closeHandler(
        closed -> {
          vertx.cancelTimer(pingTimer);
          services.connections().closed(session, address, "websocket");
          session.onClosed();
        });
  }

  private void heard() {
    lastHeard = System.nanoTime();
  }

  private void ping(long periodMillis) {
    if (System.nanoTime() - lastHeard > 2_000_000L * periodMillis) {
      socket.close(GOING_AWAY, "no answer to ping");
      return;
    }
    socket.writePing(Buffer.buffer());
  }

  @Override
  public Future<Void> write(String frame) {
    return socket.writeTextMessage(frame);
  }

  @Override
  public void close(short code, String reason) {
    socket.close(code, reason);
  }

  @Override
  public void pauseReading() {
    socket.pause();
  }

  @Override
  public void resumeReading() {
    socket.resume();
  }

  @Override
  public String transport() {
    return "websocket";
  }

  @Override
  public String describe() {
    return String.valueOf(socket.remoteAddress());
  }
}
