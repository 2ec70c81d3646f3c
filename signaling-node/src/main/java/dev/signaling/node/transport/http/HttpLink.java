package dev.signaling.node.transport.http;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.session.ClientLink;
import dev.signaling.node.session.ClientSession;
import dev.signaling.node.transport.http.Answer.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A client on the HTTP transport, as its {@link ClientSession} sees it, on the node that holds the
 * session: what the session writes waits in a {@link Downstream} until a poll or a stream (served
 * by whichever node the client asked) takes it, and what the client posts is handed to the session
 * frame by frame, in the order of the posts' sequence numbers, at the pace the session reads.
 *
 * <p>Like a WebSocket: a backlog above {@code MAX_QUEUED_BYTES} closes the session as too slow;
 * while the session has stopped reading (the message budget, a login being decided), posts wait and
 * their responses with them; a client that sends no request for the idle time is gone. The state
 * belongs to the event loop the session was created on.
 */
final class HttpLink implements ClientLink {
  static final String TRANSPORT = "http";
  private static final int NORMAL_CLOSURE = 1000;
  private static final int GOING_AWAY = 1001;
  private static final int POLICY_VIOLATION = 1008;
  private static final Answer READ = Answer.of(Outcome.OK);

  private final String id;
  private final byte[] key;
  private final String address;
  private final Vertx vertx;
  private final OwnerContext owner;
  private final HttpSessions sessions;
  private final long maxQueuedChars;
  private final long maxUnreadChars;
  private final long idleNanos;
  private final long idleTimer;
  private final Downstream down = new Downstream();
  private final ArrayDeque<Post> posts = new ArrayDeque<>();
  private ClientSession session;
  private long nextPost;
  private long unreadChars;
  private boolean paused;
  private boolean pumping;
  private boolean pumpScheduled;
  private Parked parked;
  private boolean flushScheduled;
  private int closeCode;
  private String closeReason;
  private long lastActive = System.nanoTime();

  /** Made on the event loop that is to own the session. */
  HttpLink(
      String id,
      byte[] key,
      String address,
      Vertx vertx,
      HttpSessions sessions,
      long maxQueuedChars,
      long maxUnreadChars,
      long idleMillis) {
    this.id = id;
    this.key = key;
    this.address = address;
    this.vertx = vertx;
    this.owner = OwnerContext.ofCaller();
    this.sessions = sessions;
    this.maxQueuedChars = maxQueuedChars;
    this.maxUnreadChars = maxUnreadChars;
    this.idleNanos = idleMillis * 1_000_000L;
    // Checked twice per idle time: a silent client is closed between one and one and a half.
    this.idleTimer = vertx.setPeriodic(Math.max(1, idleMillis / 2), tick -> closeIfIdle());
  }

  void attach(ClientSession session) {
    this.session = session;
  }

  String id() {
    return id;
  }

  byte[] key() {
    return key;
  }

  String address() {
    return address;
  }

  OwnerContext owner() {
    return owner;
  }

  ClientSession session() {
    return session;
  }

  // ---- ClientLink: what the session does
  // ---------------------------------------------------------

  @Override
  public Future<Void> write(String frame) {
    owner.check();
    if (closeCode != 0) {
      return Future.failedFuture("the HTTP session is closed");
    }
    down.append(frame);
    if (down.unsentChars() > maxQueuedChars) {
      closeWith(POLICY_VIOLATION, "too slow");
      return Future.failedFuture("the HTTP session was closed as too slow");
    }
    if (parked != null && !flushScheduled) {
      // Frames written in the same turn of the event loop go out in one response.
      flushScheduled = true;
      owner.context().runOnContext(next -> flush());
    }
    return Future.succeededFuture();
  }

  @Override
  public void close(short code, String reason) {
    owner.check();
    closeWith(code, reason);
  }

  @Override
  public void pauseReading() {
    paused = true;
  }

  @Override
  public void resumeReading() {
    paused = false;
    if (!pumpScheduled && !posts.isEmpty()) {
      pumpScheduled = true;
      owner.context().runOnContext(next -> pump());
    }
  }

  @Override
  public String describe() {
    return "HTTP session from " + address;
  }

  @Override
  public String transport() {
    return TRANSPORT;
  }

  // ---- requests: what the client does
  // ------------------------------------------------------------

  /**
   * Frames the client posted, one per line, numbered {@code seq} among its posts; completes once
   * the session has read them all (or closed first).
   */
  Future<Answer> send(long seq, long ack, String body) {
    owner.check();
    touch();
    down.acknowledge(ack);
    if (closeCode != 0) {
      return Future.succeededFuture(new Answer(Outcome.CLOSED, "", 0, closeCode, closeReason));
    }
    if (seq < nextPost) {
      return Future.succeededFuture(Answer.of(Outcome.DUPLICATE));
    }
    if (seq > nextPost) {
      return Future.succeededFuture(new Answer(Outcome.OUT_OF_ORDER, "", nextPost, 0, null));
    }
    if (unreadChars + body.length() > maxUnreadChars) {
      return Future.succeededFuture(Answer.of(Outcome.BUSY));
    }
    nextPost++;
    List<String> frames = lines(body);
    if (frames.isEmpty()) {
      return Future.succeededFuture(READ);
    }
    Post post = new Post(frames, body.length());
    posts.addLast(post);
    unreadChars += post.chars;
    pump();
    return post.done.future();
  }

  /**
   * The frames after {@code after}, at once if there are any (or the session has closed), otherwise
   * as soon as one is written, or none after {@code waitMillis}. A newer pull answers an older one
   * that still waits: one client has one downstream at a time.
   */
  Future<Answer> pull(long ack, long after, boolean sse, long waitMillis) {
    owner.check();
    touch();
    down.acknowledge(ack);
    long from = Math.max(after, ack);
    if (closeCode == 0 && down.lost(from)) {
      closeWith(POLICY_VIOLATION, "too slow");
      return Future.succeededFuture(new Answer(Outcome.OK, "", from, closeCode, closeReason));
    }
    if (parked != null) {
      Parked older = parked;
      parked = null;
      vertx.cancelTimer(older.timer);
      older.answer.complete(Answer.of(Outcome.SUPERSEDED));
    }
    if (down.hasAfter(from) || closeCode != 0) {
      return Future.succeededFuture(frames(from, sse));
    }
    Parked waiting = new Parked(from, sse);
    waiting.timer =
        vertx.setTimer(
            waitMillis,
            fired -> {
              if (parked == waiting) {
                answerParked();
              }
            });
    parked = waiting;
    return waiting.answer.future();
  }

  /** The client ended the session, as a WebSocket client closes its socket. */
  Answer end() {
    owner.check();
    closeWith(NORMAL_CLOSURE, "");
    return READ;
  }

  // ---- inside
  // ----------------------------------------------------------------------------------------

  private Answer frames(long after, boolean sse) {
    String body = down.take(after, sse);
    return new Answer(Outcome.OK, body, down.last(), closeCode, closeReason);
  }

  private void flush() {
    flushScheduled = false;
    if (parked != null && down.hasAfter(parked.after)) {
      answerParked();
    }
  }

  private void answerParked() {
    Parked waiting = parked;
    parked = null;
    vertx.cancelTimer(waiting.timer);
    touch();
    waiting.answer.complete(frames(waiting.after, waiting.sse));
  }

  /** Hands posted frames to the session, one at a time, until it stops reading. */
  private void pump() {
    pumpScheduled = false;
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      while (!paused && closeCode == 0 && !posts.isEmpty()) {
        Post head = posts.peekFirst();
        String frame = head.frames.get(head.next++);
        boolean lastOfPost = head.next == head.frames.size();
        if (lastOfPost) {
          posts.removeFirst();
          unreadChars -= head.chars;
        }
        session.onText(frame);
        if (lastOfPost) {
          head.done.complete(READ);
        }
      }
    } finally {
      pumping = false;
    }
  }

  private void closeIfIdle() {
    if (closeCode == 0
        && parked == null
        && posts.isEmpty()
        && System.nanoTime() - lastActive > idleNanos) {
      // As a WebSocket whose client stopped answering pings.
      closeWith(GOING_AWAY, "idle");
    }
  }

  private void closeWith(int code, String reason) {
    if (closeCode != 0) {
      return;
    }
    closeCode = code;
    closeReason = reason == null ? "" : reason;
    vertx.cancelTimer(idleTimer);
    // Frames not read by now are never read, as on a WebSocket that closes.
    Answer closed = new Answer(Outcome.CLOSED, "", 0, closeCode, closeReason);
    posts.forEach(post -> post.done.complete(closed));
    posts.clear();
    unreadChars = 0;
    if (parked != null) {
      answerParked();
    }
    sessions.closed(this);
    // Later, as a WebSocket's close handler runs: the session may be in the middle of a call here.
    owner.context().runOnContext(next -> session.onClosed());
  }

  private void touch() {
    lastActive = System.nanoTime();
  }

  /** The non-blank lines of {@code body}, without their line ends. */
  static List<String> lines(String body) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < body.length()) {
      int end = body.indexOf('\n', start);
      if (end < 0) {
        end = body.length();
      }
      String line = body.substring(start, end);
      if (!line.isBlank()) {
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      }
      start = end + 1;
    }
    return lines;
  }

  private static final class Post {
    final List<String> frames;
    final long chars;
    final Promise<Answer> done = Promise.promise();
    int next;

    Post(List<String> frames, long chars) {
      this.frames = frames;
      this.chars = chars;
    }
  }

  private static final class Parked {
    final long after;
    final boolean sse;
    final Promise<Answer> answer = Promise.promise();
    long timer;

    Parked(long after, boolean sse) {
      this.after = after;
      this.sse = sse;
    }
  }
}
