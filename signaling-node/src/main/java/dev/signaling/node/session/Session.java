package dev.signaling.node.session;

import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One logged-in connection: the user's name, the session id that tells this login from any other of the
 * same name, the socket its frames leave through, and whom it talked with lately. Writes may come from
 * any thread; Vert.x keeps them in order on the connection's event loop.
 */
public final class Session {
  /** WebSocket close code for a session ended by policy (replaced, timed out, too slow). */
  public static final short POLICY_VIOLATION = 1008;
  /** Peers remembered at most; the oldest is forgotten first. */
  private static final int MAX_RECENT_PEERS = 64;

  private final String name;
  private final String id;
  private final ServerWebSocket socket;
  private final Context context;
  private final long maxQueuedChars;
  private final AtomicLong queuedChars = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Map<String, Long> recentPeers = new ConcurrentHashMap<>();
  private volatile String endReason = "disconnect";
  // Set once the presence map has recorded this session: from then on the node re-asserts its entry.
  private volatile boolean claimed;
  // Completed once login-ok is written: a peer may find the session in presence a moment before that,
  // and its frames must not overtake the client's login-ok.
  private final Promise<Void> opened = Promise.promise();

  /**
   * @param context the event loop of the session's connection
   * @param maxQueuedChars characters written but not yet sent after which the client counts as too slow
   */
  public Session(String name, String id, ServerWebSocket socket, Context context, long maxQueuedChars) {
    this.name = name;
    this.id = id;
    this.socket = socket;
    this.context = context;
    this.maxQueuedChars = maxQueuedChars;
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

  /** Whether the session's claim on its name has completed: only then is its presence entry re-asserted. */
  public boolean isClaimed() {
    return claimed;
  }

  /** Records that the session's claim on its name has completed. */
  public void markClaimed() {
    claimed = true;
  }

  /** Why the session ended: disconnect, logout, replaced, too-slow. */
  public String endReason() {
    return endReason;
  }

  public void endingBecause(String reason) {
    endReason = reason;
  }

  /** Writes the login answer; frames delivered before it are written after it. */
  public Future<Void> open(String loginOk) {
    return socket.writeTextMessage(loginOk).andThen(written -> opened.tryComplete());
  }

  /**
   * Writes a frame; completes once it is written to the socket. A client that lets more than the
   * configured bytes pile up unread is closed rather than allowed to hold the node's memory.
   */
  public Future<Void> deliver(String frame) {
    if (Vertx.currentContext() != context) {
      // Written on the connection's own event loop, so that "is the session still open" and the write
      // happen in one step there: a frame can never slip in behind go-away or a close.
      Promise<Void> written = Promise.promise();
      context.runOnContext(ignored -> deliverHere(frame).onComplete(written));
      return written.future();
    }
    return deliverHere(frame);
  }

  private Future<Void> deliverHere(String frame) {
    if (ended.get()) {
      return Future.failedFuture(new SessionEndedException());
    }
    // Counted here rather than read from the socket: what matters is what this node holds for the client,
    // whichever thread wrote it.
    int size = frame.length();
    if (queuedChars.addAndGet(size) > maxQueuedChars && ended.compareAndSet(false, true)) {
      endReason = "too-slow";
      socket.close(POLICY_VIOLATION, "too slow");
    }
    Future<Void> written = opened.future().isComplete() ? socket.writeTextMessage(frame)
        : opened.future().compose(ignored -> socket.writeTextMessage(frame));
    return written.andThen(done -> queuedChars.addAndGet(-size));
  }

  /** Tells the client a newer login took its name, then closes the connection. */
  public void replace() {
    if (ended.compareAndSet(false, true)) {
      endReason = "replaced";
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

  /** Remembers that this session and {@code peer} exchanged a message just now. */
  public void talkedWith(String peer) {
    if (recentPeers.size() >= MAX_RECENT_PEERS && !recentPeers.containsKey(peer)) {
      recentPeers.entrySet().stream().min(Map.Entry.comparingByValue())
          .ifPresent(oldest -> recentPeers.remove(oldest.getKey(), oldest.getValue()));
    }
    recentPeers.put(peer, System.nanoTime());
  }

  /** The peers this session exchanged messages with within {@code window}. */
  public List<String> peersWithin(Duration window) {
    long since = System.nanoTime() - window.toNanos();
    return recentPeers.entrySet().stream().filter(entry -> entry.getValue() - since > 0).map(Map.Entry::getKey)
        .toList();
  }

  /** Whether this session exchanged messages with {@code peer} within {@code window}. */
  public boolean talkedWithin(String peer, Duration window) {
    Long last = recentPeers.get(peer);
    return last != null && last - (System.nanoTime() - window.toNanos()) > 0;
  }

  /** A delivery to a session that has ended. */
  public static final class SessionEndedException extends RuntimeException {
    public SessionEndedException() {
      super("session ended", null, false, false);
    }
  }
}
