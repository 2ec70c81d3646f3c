package dev.signaling.node.peerjs;

import dev.signaling.node.peerjs.PeerJsMetrics.Connect;
import dev.signaling.node.session.ClientLink;
import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.MessageTypes;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PeerJS client's WebSocket as the session core sees it. Frames relayed from other PeerJS clients
 * are PeerJS frames already and go out as they are; what the core says in its own protocol is
 * translated: {@code login-ok} becomes {@code OPEN}, a refused login {@code ID-TAKEN} or {@code
 * ERROR} (and the connection closes: a PeerJS client does not log in again on the same socket). The
 * rest has no PeerJS counterpart and is not sent: the answers about single messages (the adapter
 * answers its client itself), {@code go-away} (the close that follows is what a PeerJS client
 * understands) and {@code peer-left} (the peer-to-peer connections decide for themselves whether a
 * peer is gone).
 */
final class PeerJsLink implements ClientLink {
  /** A PeerJS client's frames travel over a WebSocket; its protocol has metrics of its own. */
  static final String TRANSPORT = "websocket";

  private static final Logger LOG = LoggerFactory.getLogger(PeerJsLink.class);
  private static final short POLICY_VIOLATION = 1008;
  private static final String JWT_REQUIRED =
      "A valid token is required: pass a JWT whose sub is this id as the Peer's token option.";

  private final ServerWebSocket socket;
  private final PeerJsMetrics metrics;
  private boolean open;

  PeerJsLink(ServerWebSocket socket, PeerJsMetrics metrics) {
    this.socket = socket;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> write(String frame) {
    if (PeerJsFrames.isPeerJs(frame)) {
      return socket.writeTextMessage(frame);
    }
    JsonObject message = new JsonObject(frame);
    String type = message.getString("type", "");
    if (type.equals(MessageTypes.LOGIN_OK)) {
      open = true;
      metrics.connect(Connect.OPEN);
      return socket.writeTextMessage(PeerJsFrames.open());
    }
    if (type.equals(MessageTypes.ERROR)) {
      return error(ErrorCode.fromCode(message.getString("code")), message.getString("message"));
    }
    return Future.succeededFuture();
  }

  private Future<Void> error(ErrorCode code, String message) {
    if (code == ErrorCode.NAME_TAKEN || code == ErrorCode.SESSION_REPLACED) {
      // Another token holds the id, or took it while this session's entry was lost. A session
      // replaced by its own token logging in again is a stale socket nobody reads.
      if (!open) {
        metrics.connect(Connect.ID_TAKEN);
      }
      return closeAfter(PeerJsFrames.idTaken(), code);
    }
    if (!open || code == ErrorCode.TOKEN_EXPIRED || code == ErrorCode.RATE_LIMITED) {
      // A refused login, or what ends a session: the PeerJS client gives up on ERROR.
      if (!open) {
        metrics.connect(Connect.REFUSED);
      }
      String text =
          code == ErrorCode.UNAUTHORIZED && ErrorCode.UNAUTHORIZED.defaultMessage().equals(message)
              ? JWT_REQUIRED
              : message;
      return closeAfter(PeerJsFrames.error(text), code);
    }
    LOG.debug("not told to a PeerJS client: {} ({})", code, message);
    return Future.succeededFuture();
  }

  private Future<Void> closeAfter(String frame, ErrorCode code) {
    Future<Void> written = socket.writeTextMessage(frame);
    written.onComplete(done -> close(POLICY_VIOLATION, code == null ? "error" : code.code()));
    return written;
  }

  @Override
  public void close(short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
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
  public String describe() {
    return String.valueOf(socket.remoteAddress());
  }

  @Override
  public String transport() {
    return TRANSPORT;
  }
}
