package dev.signaling.node.routing;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.presence.HeldMessage;
import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.ServerMessages;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One logged-in client: the user's name, the session id that tells this login from any other of the
 * same name, where its frames leave, and whom it talked with lately.
 *
 * <p>The session's state belongs to its connection's event loop. {@link #deliver} and {@link
 * #replace} may be called from any thread: they do their work there and hand the result back to the
 * caller's context. Everything else is called on that event loop only.
 */
public final class Session {
  /** WebSocket close code for a session ended by policy (replaced, timed out, too slow). */
  public static final short POLICY_VIOLATION = 1008;

  /** Peers remembered at most; the one talked with longest ago is forgotten first. */
  private static final int MAX_RECENT_PEERS = 64;

  /** How often a conversation with the same peer is noted again, at most. */
  private static final long NOTED_EVERY_NANOS = 1_000_000_000L;

  private final String name;
  private final String id;
  private final Outbound out;
  private final OwnerContext owner;
  private final long maxQueuedChars;
  private final String resumeKey;
  // Read by other threads (is the session still there?); written on the owner only.
  private volatile boolean ended;
  // Ended, but the user may resume it: frames for it are to be held, not dropped.
  private volatile boolean away;
  // Set once the presence map has recorded this session: from then on the node re-asserts its
  // entry.
  private volatile boolean claimed;
  private long queuedChars;
  private String endReason = "disconnect";
  // Completed once login-ok is written: a peer may find the session in presence a moment before
  // that, and its frames must not overtake the client's login-ok.
  private final Promise<Void> opened;
  private String lastPeer;
  private long lastPeerAt;

  private final Map<String, Long> recentPeers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_RECENT_PEERS;
        }
      };

  /**
   * @param owner the event loop of the session's connection
   * @param maxQueuedChars characters written but not yet sent after which the client counts as too
   *     slow
   * @param resumeKey the hash of the session's resume token; empty when it cannot be resumed
   */
  public Session(
      String name,
      String id,
      Outbound out,
      OwnerContext owner,
      long maxQueuedChars,
      String resumeKey) {
    this.name = name;
    this.id = id;
    this.out = out;
    this.owner = owner;
    this.maxQueuedChars = maxQueuedChars;
    this.resumeKey = resumeKey;
    this.opened = owner.promise();
  }

  public String name() {
    return name;
  }

  public String id() {
    return id;
  }

  /** The hash of the session's resume token; empty when it cannot be resumed. */
  public String resumeKey() {
    return resumeKey;
  }

  /** The event loop the session's state belongs to. */
  public OwnerContext owner() {
    return owner;
  }

  /** Whether the session is over; may be asked from any thread. */
  public boolean isEnded() {
    return ended;
  }

  /** Whether the session is over but may be resumed; may be asked from any thread. */
  public boolean isAway() {
    return away;
  }

  /**
   * Whether the session's claim on its name has completed: only then is its presence entry
   * re-asserted.
   */
  public boolean isClaimed() {
    return claimed;
  }

  /** Records that the session's claim on its name has completed. */
  public void markClaimed() {
    claimed = true;
  }

  /** Why the session ended: disconnect, logout, replaced, too-slow. */
  public String endReason() {
    owner.check();
    return endReason;
  }

  public void endingBecause(String reason) {
    owner.check();
    endReason = reason;
  }

  /** Writes the login answer; frames delivered before it are written after it. */
  public Future<Void> open(String loginOk) {
    return open(loginOk, List.of()).get(0);
  }

  /**
   * Writes the login answer, then {@code held} (frames held for the session while it was away,
   * oldest first), then whatever was delivered meanwhile. Completes with the login answer's write
   * and each held frame's, in that order.
   */
  public List<Future<Void>> open(String loginOk, List<HeldMessage> held) {
    owner.check();
    List<Future<Void>> written = new ArrayList<>(held.size() + 1);
    written.add(out.write(loginOk));
    for (HeldMessage message : held) {
      talkedWith(message.sender());
      written.add(out.write(message.frame()));
    }
    opened.tryComplete();
    return written;
  }

  /**
   * Writes a frame from {@code sender} (empty for the server's own notices); completes, on the
   * caller's context, once it is written. Written on the session's own event loop, so that "is the
   * session still open" and the write happen in one step: a frame can never slip in behind go-away
   * or a close. A client that lets more than the configured bytes pile up unread is closed rather
   * than allowed to hold the node's memory.
   */
  public Future<Void> deliver(String frame, String sender) {
    if (owner.isCurrent()) {
      return deliverHere(frame, sender);
    }
    Promise<Void> written = Promise.promise();
    Future<Void> result = OwnerContext.onCaller(written.future());
    owner.run(() -> deliverHere(frame, sender).onComplete(written));
    return result;
  }

  /**
   * Writes a frame as {@link #deliver} does, and hands the outcome to {@code outcome} on the
   * session's own event loop: for a caller that needs it there, not back on its own loop.
   */
  public void deliverThen(String frame, String sender, Handler<AsyncResult<Void>> outcome) {
    owner.run(() -> deliverHere(frame, sender).onComplete(outcome));
  }

  private Future<Void> deliverHere(String frame, String sender) {
    owner.check();
    if (away) {
      return Future.failedFuture(new SessionAwayException());
    }
    if (ended) {
      return Future.failedFuture(new SessionEndedException());
    }
    if (!sender.isEmpty()) {
      talkedWith(sender);
    }
    int size = frame.length();
    if (queuedChars + size > maxQueuedChars) {
      end("too-slow");
      out.close(POLICY_VIOLATION, "too slow");
      return Future.failedFuture(new SessionEndedException());
    }
    queuedChars += size;
    Future<Void> written =
        opened.future().isComplete()
            ? out.write(frame)
            : opened
                .future()
                .compose(
                    ignored ->
                        away
                            ? Future.failedFuture(new SessionAwayException())
                            : ended
                                ? Future.failedFuture(new SessionEndedException())
                                : out.write(frame));
    return written.andThen(done -> queuedChars -= size);
  }

  /** Tells the client a newer login took its name, then closes the connection. Any thread. */
  public void replace() {
    replace("replaced");
  }

  /**
   * Tells the client its session was taken over, then closes the connection; {@code reason} is why
   * it ended: {@code replaced} by a newer login, or {@code resumed} on another connection. Any
   * thread.
   */
  public void replace(String reason) {
    owner.run(
        () -> {
          if (ended) {
            return;
          }
          end(reason);
          out.write(ServerMessages.error(ErrorCode.SESSION_REPLACED, null, null, null))
              .eventually(
                  () -> {
                    out.close(POLICY_VIOLATION, ErrorCode.SESSION_REPLACED.code());
                    return Future.succeededFuture();
                  });
        });
  }

  /** Marks the session over: nothing more is delivered to it. */
  public void markEnded() {
    owner.check();
    ended = true;
    opened.tryComplete();
  }

  /** Marks the session over but resumable: frames for it are turned away to be held. */
  public void markAway() {
    owner.check();
    away = true;
    markEnded();
  }

  private void end(String reason) {
    endReason = reason;
    markEnded();
  }

  /**
   * Remembers that this session and {@code peer} exchanged a message just now. To the second: a
   * burst of messages with the peer it talked with last (a call's candidates) costs one update of
   * the map a second, not one per message.
   */
  public void talkedWith(String peer) {
    owner.check();
    long now = System.nanoTime();
    if (now - lastPeerAt < NOTED_EVERY_NANOS && peer.equals(lastPeer)) {
      return;
    }
    lastPeer = peer;
    lastPeerAt = now;
    recentPeers.put(peer, now);
  }

  /** The peers this session exchanged messages with within {@code window}. */
  public List<String> peersWithin(Duration window) {
    owner.check();
    return peersWhere(window, null);
  }

  /**
   * Which of {@code names} this session exchanged messages with within {@code window}: costs one
   * set lookup per recent peer, however many names there are.
   */
  public List<String> peersAmong(Set<String> names, Duration window) {
    owner.check();
    return peersWhere(window, names);
  }

  private List<String> peersWhere(Duration window, Set<String> among) {
    long since = System.nanoTime() - window.toNanos();
    List<String> peers = new ArrayList<>();
    recentPeers.forEach(
        (peer, last) -> {
          if (last - since > 0 && (among == null || among.contains(peer))) {
            peers.add(peer);
          }
        });
    return peers;
  }

  /** A delivery to a session that has ended but may be resumed: the frame is to be held. */
  public static final class SessionAwayException extends RuntimeException {
    public SessionAwayException() {
      super("session away", null, false, false);
    }
  }

  /** A delivery to a session that has ended. */
  public static final class SessionEndedException extends RuntimeException {
    public SessionEndedException() {
      super("session ended", null, false, false);
    }
  }
}
