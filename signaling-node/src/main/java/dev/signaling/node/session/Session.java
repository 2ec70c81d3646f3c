package dev.signaling.node.session;

import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One logged-in connection: the user's name, the session id that tells this login from any other of the
 * same name, and the socket its frames leave through. Writes may come from any thread; Vert.x keeps them
 * in order on the connection's event loop.
 */
public final class Session {
  /** WebSocket close code for a session ended by policy (replaced, timed out). */
  public static final short POLICY_VIOLATION = 1008;

  private final String name;
  private final String id;
  private final ServerWebSocket socket;
  private final AtomicBoolean ended = new AtomicBoolean();
  // Completed once login-ok is written: a peer may find the session in presence a moment before that,
  // and its frames must not overtake the client's login-ok.
  private final Promise<Void> opened = Promise.promise();

  public Session(String name, String id, ServerWebSocket socket) {
    this.name = name;
    this.id = id;
    this.socket = socket;
  }

  public String name() {
    return name;
  }

  public String id() {
    return id;
  }

  public boolean isEnded() {
    return ended.get();
  }

  /** Writes the login answer; frames delivered before it are written after it. */
  public Future<Void> open(String loginOk) {
    return socket.writeTextMessage(loginOk).andThen(written -> opened.tryComplete());
  }

  /** Writes a frame; completes once it is written to the socket. */
  public Future<Void> deliver(String frame) {
    if (ended.get()) {
      return Future.failedFuture(new SessionEndedException());
    }
    if (opened.future().isComplete()) {
      return socket.writeTextMessage(frame);
    }
    return opened.future().compose(ignored -> socket.writeTextMessage(frame));
  }

  /** Tells the client a newer login took its name, then closes the connection. */
  public void replace() {
    if (ended.compareAndSet(false, true)) {
      opened.tryComplete();
      socket.writeTextMessage(ServerMessages.error(ErrorCode.SESSION_REPLACED, null, null, null))
          .eventually(() -> socket.close(POLICY_VIOLATION, ErrorCode.SESSION_REPLACED.code()));
    }
  }

  /** Marks the session over once its connection has closed. */
  public void markEnded() {
    ended.set(true);
    opened.tryComplete();
  }

  /** A delivery to a session that has ended. */
  public static final class SessionEndedException extends RuntimeException {
    public SessionEndedException() {
      super("session ended", null, false, false);
    }
  }
}
