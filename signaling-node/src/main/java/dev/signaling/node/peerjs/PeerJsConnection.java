package dev.signaling.node.peerjs;

import dev.signaling.node.peerjs.PeerJsFrames.ClientFrame;
import dev.signaling.node.session.ClientSession;
import dev.signaling.protocol.ClientMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PeerJS client on its WebSocket: its query is the login, its frames go to the session core as
 * relays through its {@link PeerJsOutbox}, and it is dropped when it says nothing (no {@code
 * HEARTBEAT}, no message) for the alive timeout. Everything runs on the socket's event loop.
 */
final class PeerJsConnection {
  private static final Logger LOG = LoggerFactory.getLogger(PeerJsConnection.class);
  private static final short GOING_AWAY = 1001;

  private final String id;
  private final ClientSession session;
  private final PeerJsOutbox outbox;
  private final PeerJsMetrics metrics;
  private long lastHeard = System.nanoTime();

  private PeerJsConnection(
      String id, ClientSession session, PeerJsOutbox outbox, PeerJsMetrics metrics) {
    this.id = id;
    this.session = session;
    this.outbox = outbox;
    this.metrics = metrics;
  }

  /** Serves {@code id}, whose query was checked, on {@code socket}, on the socket's event loop. */
  static void serve(
      Vertx vertx,
      ServerWebSocket socket,
      String address,
      PeerJsServices services,
      String id,
      String token) {
    PeerJsMetrics metrics = services.metrics();
    PeerJsLink link = new PeerJsLink(socket, metrics);
    ClientSession session = new ClientSession(services.sessions(), link);
    PeerJsOutbox outbox =
        new PeerJsOutbox(
            vertx,
            session::relay,
            link,
            metrics,
            id,
            services.config().expireTimeout().toNanos(),
            services.sessions().config().limits().maxQueuedBytes());
    PeerJsConnection connection = new PeerJsConnection(id, session, outbox, metrics);
    socket.textMessageHandler(connection::onText);
    socket.binaryMessageHandler(
        binary -> {
          connection.heard();
          session.onBinary();
        });
    socket.exceptionHandler(failure -> LOG.debug("PeerJS WebSocket failure from {}", address));
    long aliveMillis = services.config().aliveTimeout().toMillis();
    long check =
        vertx.setPeriodic(
            Math.max(100, aliveMillis / 10), tick -> connection.dropIfSilent(link, aliveMillis));
    metrics.opened();
    services.transport().connections().opened(session, address, PeerJsLink.TRANSPORT);
    socket.closeHandler(
        closed -> {
          vertx.cancelTimer(check);
          metrics.closed();
          outbox.close();
          services.transport().connections().closed(session, address, PeerJsLink.TRANSPORT);
          session.onClosed();
        });
    session.logIn(new ClientMessage.Login(id, token, null));
  }

  private void heard() {
    lastHeard = System.nanoTime();
  }

  private void onText(String text) {
    heard();
    if (!session.admit(text)) {
      return;
    }
    ClientFrame frame = PeerJsFrames.read(text);
    if (frame == null) {
      metrics.ignored();
      return;
    }
    if (frame.type().equals(PeerJsFrames.HEARTBEAT)) {
      return;
    }
    if (!PeerJsFrames.RELAYED.contains(frame.type()) || !PeerJsIds.isValid(frame.dst())) {
      metrics.ignored();
      return;
    }
    outbox.send(
        frame.type(),
        frame.dst(),
        PeerJsFrames.relayed(frame.type(), id, frame.dst(), frame.payload()));
  }

  private void dropIfSilent(PeerJsLink link, long aliveMillis) {
    if (System.nanoTime() - lastHeard > aliveMillis * 1_000_000L) {
      metrics.aliveTimeout();
      link.close(GOING_AWAY, "no heartbeat");
    }
  }
}
