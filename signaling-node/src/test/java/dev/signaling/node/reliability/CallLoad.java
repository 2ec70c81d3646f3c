package dev.signaling.node.reliability;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Users in call-setup loops, as a test's load. Users {@code 2k} and {@code 2k+1} are partners: each
 * sends its partner bursts of one SDP message ({@code video-offer} from the even one, {@code
 * video-answer} from the odd one) and three trickled {@code new-ice-candidate}s, back to back and
 * each with an id, waits for the four answers, pauses, and starts again. Every user is also in a
 * room of ten. A user whose connection closes reconnects, as a client should: after {@code
 * go-away}'s {@code reconnectAfterMs}, or after a short backoff when the connection dropped; it
 * logs in again, re-joins its room and carries on. Everything sent and received goes into a {@link
 * Ledger}.
 *
 * <p>All clients share one client {@link Vertx}; nothing blocks its event loops.
 */
final class CallLoad {
  static final int BURST = 4;
  private static final String SDP = sdp();
  private static final String CANDIDATE =
      "candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host generation 0";

  /**
   * A node that is frozen accepts connections but answers no handshake: a reconnecting user gives
   * up on it after this long and tries the next node, as a client behind a load balancer would.
   */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

  /** Where a client connects: a node's address as clients see it. */
  record Endpoint(String label, String host, int port) {}

  /**
   * Picks the node a user connects to; {@code attempt} counts failed attempts of this reconnect.
   */
  interface Placement {
    Endpoint pick(User user, Endpoint previous, int attempt);

    /**
     * Users spread round the three endpoints; one that reconnects tries the other two in turn,
     * never the endpoint it lost.
     */
    static Placement spreadOverThree(List<Endpoint> endpoints) {
      return (user, previous, attempt) -> {
        if (previous == null) {
          return endpoints.get(user.index % 3);
        }
        List<Endpoint> others = new ArrayList<>(endpoints);
        others.remove(previous);
        return others.get((user.index + attempt) % 2);
      };
    }
  }

  /** One user of the load. */
  static final class User {
    final int index;
    final String name;
    final String partner;
    final String room;
    volatile SignalingClient client;
    volatile Endpoint endpoint;
    volatile String nodeId;
    volatile int gen;
    volatile boolean online;

    /**
     * The login ({@link #gen}) whose join answered; equal to gen once the user is back in its room.
     */
    volatile int joinedGen;

    /** Never reconnects once its connection closes. */
    volatile boolean abandoned;

    volatile long goAwayAfterMs = -1;
    volatile long lastLoginAt;
    final AtomicLong seq = new AtomicLong();
    final AtomicInteger burstLeft = new AtomicInteger();
    final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    final AtomicInteger logins = new AtomicInteger();

    /** Logins that resumed the user's session. */
    final AtomicInteger resumes = new AtomicInteger();

    volatile String resumeToken;
    final AtomicInteger goAways = new AtomicInteger();
    final List<Integer> closeCodes = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> joinedLists = Collections.synchronizedList(new ArrayList<>());

    /**
     * Times (System.nanoTime) when the user went offline and came back; a last open interval ends
     * at MAX.
     */
    private final List<long[]> offline = new ArrayList<>();

    User(int index, String prefix, int roomSize) {
      this.index = index;
      this.name = nameOf(prefix, index);
      this.partner = nameOf(prefix, index ^ 1);
      this.room = prefix + "-room-" + (index / roomSize);
    }

    /** Where the user is and how it got there, for failure messages. */
    String describe() {
      return name
          + " (online "
          + online
          + " on "
          + (endpoint == null ? "?" : endpoint.label())
          + ", login "
          + gen
          + ", joined with login "
          + joinedGen
          + ", go-aways "
          + goAways.get()
          + ", closes "
          + closeCodes
          + ")";
    }

    static String nameOf(String prefix, int index) {
      return String.format("%s-%03d", prefix, index);
    }

    synchronized void wentOffline(long at) {
      if (offline.isEmpty() || offline.get(offline.size() - 1)[1] != Long.MAX_VALUE) {
        offline.add(new long[] {at, Long.MAX_VALUE});
      }
    }

    synchronized void cameBack(long at) {
      if (!offline.isEmpty() && offline.get(offline.size() - 1)[1] == Long.MAX_VALUE) {
        offline.get(offline.size() - 1)[1] = at;
      }
    }

    /**
     * Whether the user was offline (between losing its connection and its next login-ok) within
     * [from, to].
     */
    synchronized boolean offlineDuring(long from, long to) {
      for (long[] interval : offline) {
        if (interval[0] <= to && interval[1] >= from) {
          return true;
        }
      }
      return false;
    }

    synchronized boolean everOffline() {
      return !offline.isEmpty();
    }

    synchronized List<long[]> offlineIntervals() {
      return offline.stream().map(long[]::clone).toList();
    }
  }

  private final Vertx vertx;
  private final Ledger ledger;
  private final Placement placement;
  private final List<User> users = new ArrayList<>();
  private final Map<String, User> byName = new HashMap<>();
  private final long pauseMinMs;
  private final long pauseMaxMs;
  private volatile boolean sending;
  private volatile boolean stopped;

  /** Decides when a user whose connection closed may start reconnecting; null: never. */
  private volatile Function<User, Future<Void>> gate = user -> Future.succeededFuture();

  /** Backoff after a connection dropped without go-away. */
  private volatile long dropBackoffMinMs = 200;

  private volatile long dropBackoffMaxMs = 700;
  private final Duration reconnectDeadline;
  private volatile boolean resuming;
  private final AtomicInteger reconnectFailures = new AtomicInteger();
  private final AtomicInteger relayedErrorsWithoutRef = new AtomicInteger();
  private final AtomicInteger peerLeftNotices = new AtomicInteger();
  private final AtomicInteger presenceEvents = new AtomicInteger();
  private final List<PresenceEvent> presenceLog = Collections.synchronizedList(new ArrayList<>());

  /** A room {@code presence} event as {@code receiver} got it. */
  record PresenceEvent(String receiver, String room, String name, boolean online, long at) {}

  CallLoad(
      Vertx vertx,
      Ledger ledger,
      String prefix,
      int size,
      int roomSize,
      Placement placement,
      long pauseMinMs,
      long pauseMaxMs,
      Duration reconnectDeadline) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.placement = placement;
    this.pauseMinMs = pauseMinMs;
    this.pauseMaxMs = pauseMaxMs;
    this.reconnectDeadline = reconnectDeadline;
    for (int i = 0; i < size; i++) {
      User user = new User(i, prefix, roomSize);
      users.add(user);
      byName.put(user.name, user);
    }
  }

  List<User> users() {
    return users;
  }

  User user(String name) {
    return byName.get(name);
  }

  Ledger ledger() {
    return ledger;
  }

  void gate(Function<User, Future<Void>> gate) {
    this.gate = gate;
  }

  void dropBackoff(long minMs, long maxMs) {
    this.dropBackoffMinMs = minMs;
    this.dropBackoffMaxMs = maxMs;
  }

  int reconnectFailures() {
    return reconnectFailures.get();
  }

  int errorsWithoutRef() {
    return relayedErrorsWithoutRef.get();
  }

  int peerLeftNotices() {
    return peerLeftNotices.get();
  }

  int presenceEvents() {
    return presenceEvents.get();
  }

  /** Every room presence event the users got, in the order they arrived. */
  List<PresenceEvent> presenceLog() {
    synchronized (presenceLog) {
      return List.copyOf(presenceLog);
    }
  }

  long onlineCount() {
    return users.stream().filter(user -> user.online).count();
  }

  /** Whether {@code user} is logged in and back in its room. */
  static boolean back(User user) {
    return user.online
        && user.joinedGen == user.gen
        && user.client != null
        && !user.client.isClosed();
  }

  /**
   * Logs every user in where {@link Placement} says and joins its room, {@code parallel} at a time.
   */
  void connectAll(int parallel, Duration timeout) {
    for (int from = 0; from < users.size(); from += parallel) {
      List<Future<Void>> batch = new ArrayList<>();
      for (User user : users.subList(from, Math.min(users.size(), from + parallel))) {
        batch.add(connect(user, placement.pick(user, null, 0)));
      }
      try {
        Future.all(batch).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception failed) {
        throw new AssertionError("users did not log in: " + failed, failed);
      }
    }
  }

  /** Starts (or resumes) every online user's loop. */
  void startSending() {
    sending = true;
    for (User user : users) {
      SignalingClient client = user.client;
      if (user.online && client != null) {
        scheduleBurst(user, client, ThreadLocalRandom.current().nextLong(pauseMaxMs + 1));
      }
    }
  }

  /** No new bursts; messages already sent still get their answers. */
  void stopSending() {
    sending = false;
  }

  /** Waits until every message sent has its answer or lost its sender's connection. */
  Duration settle(Duration timeout) {
    return Poll.until(
        ledger::allSettled,
        timeout,
        "every message is answered (unsettled: " + ledger.unsettled() + ")");
  }

  /**
   * Waits up to {@code timeout} for every acked message to reach its target (an ack may overtake
   * the frame it answers on its way to the clients); whatever is still missing then counts as lost.
   */
  static void awaitReceipts(Ledger ledger, Duration timeout) {
    try {
      Poll.until(() -> ledger.ackedNotReceived() == 0, timeout, "every acked message is received");
    } catch (AssertionError missing) {
      // Reported, with examples, by the tally.
    }
  }

  /**
   * Messages with what their sender and target went through around them, in ms relative to the
   * send.
   */
  String describe(List<Ledger.Sent> messages) {
    StringBuilder text = new StringBuilder();
    for (Ledger.Sent message : messages) {
      text.append("\n  ")
          .append(message)
          .append(" answered after ")
          .append(
              message.answers.get() > 0
                  ? (message.answeredAt - message.sentAt) / 1_000_000 + " ms"
                  : "-")
          .append("; sender ")
          .append(history(user(message.from), message.sentAt))
          .append("; target ")
          .append(history(user(message.to), message.sentAt));
    }
    return text.toString();
  }

  private static String history(User user, long origin) {
    StringBuilder text = new StringBuilder(user.name).append(" offline [");
    for (long[] interval : user.offlineIntervals()) {
      text.append(" ")
          .append((interval[0] - origin) / 1_000_000)
          .append("..")
          .append(
              interval[1] == Long.MAX_VALUE
                  ? "end"
                  : String.valueOf((interval[1] - origin) / 1_000_000));
    }
    return text.append(" ] closes ").append(user.closeCodes).toString();
  }

  /** Stops reconnecting and closes every client. */
  void shutdown() {
    stopped = true;
    sending = false;
    for (User user : users) {
      SignalingClient client = user.client;
      if (client != null) {
        client.close();
      }
    }
  }

  /** Closes {@code user}'s connection from the client side, for good: a user who leaves. */
  Future<Void> leaveForGood(User user) {
    user.abandoned = true;
    SignalingClient client = user.client;
    if (resuming) {
      // A client that closes without a logout could come back within the window: leaving is a
      // logout.
      client.send(new JsonObject().put("type", "logout"));
      return client.closeFuture().mapEmpty();
    }
    return client.close().compose(closed -> client.closeFuture().mapEmpty());
  }

  /**
   * Clients resume their session with the token of their last {@code login-ok} whenever they
   * reconnect, instead of logging in afresh.
   */
  CallLoad resuming() {
    this.resuming = true;
    return this;
  }

  private Future<Void> connect(User user, Endpoint endpoint) {
    return SignalingClient.connect(vertx, endpoint.host(), endpoint.port(), HANDSHAKE_TIMEOUT)
        .compose(
            client -> {
              client.stopRecording();
              client.onMessage(frame -> onFrame(user, client, frame));
              client
                  .closeFuture()
                  .onComplete(
                      closed ->
                          onClosed(
                              user,
                              client,
                              closed.succeeded() && closed.result() != null
                                  ? closed.result()
                                  : 1006));
              String token = user.resumeToken;
              Future<JsonObject> login =
                  resuming && token != null
                      ? client.resume(user.name, token)
                      : client.login(user.name);
              return login
                  .onFailure(failed -> client.close())
                  .compose(
                      ok -> {
                        synchronized (user) {
                          user.gen = user.logins.incrementAndGet();
                          user.client = client;
                          user.endpoint = endpoint;
                          user.nodeId = ok.getString("node");
                          user.resumeToken = ok.getString("resume");
                          if (ok.getBoolean("resumed", false)) {
                            user.resumes.incrementAndGet();
                          }
                          user.goAwayAfterMs = -1;
                          user.lastLoginAt = System.nanoTime();
                          user.online = true;
                          user.cameBack(user.lastLoginAt);
                        }
                        // The user counts as back once it is in its room again, as a client rejoins
                        // before calling.
                        return client
                            .join(user.room)
                            .transform(
                                joined -> {
                                  if (joined.succeeded()) {
                                    user.joinedGen = user.gen;
                                    user.joinedLists.add(
                                        joined.result().getJsonArray("users").stream()
                                            .map(String::valueOf)
                                            .toList());
                                  } else if (!client.isClosed()) {
                                    ledger.problem(
                                        user.name
                                            + " could not re-join "
                                            + user.room
                                            + ": "
                                            + joined.cause());
                                  }
                                  if (sending) {
                                    scheduleBurst(
                                        user,
                                        client,
                                        ThreadLocalRandom.current().nextLong(pauseMaxMs + 1));
                                  }
                                  return Future.<Void>succeededFuture();
                                });
                      });
            });
  }

  private void onFrame(User user, SignalingClient client, JsonObject frame) {
    String type = frame.getString("type", "");
    switch (type) {
      case "ack" -> {
        Object id = frame.getValue("id");
        if (id instanceof String loadId && loadId.contains(":")) {
          answered(user, client, loadId, Ledger.ACK);
        }
      }
      case "error" -> {
        Object ref = frame.getValue("ref");
        if (ref instanceof String loadId && loadId.contains(":")) {
          answered(user, client, loadId, frame.getString("code"));
        } else if (ref == null) {
          relayedErrorsWithoutRef.incrementAndGet();
          ledger.problem("error without ref to " + user.name + ": " + frame.encode());
        }
      }
      case "go-away" -> {
        user.goAways.incrementAndGet();
        user.goAwayAfterMs = frame.getLong("reconnectAfterMs", 0L);
        user.online = false;
        user.wentOffline(System.nanoTime());
      }
      case "peer-left" -> peerLeftNotices.incrementAndGet();
      case "presence" -> {
        presenceEvents.incrementAndGet();
        presenceLog.add(
            new PresenceEvent(
                user.name,
                frame.getString("room"),
                frame.getString("name"),
                frame.getBoolean("online", false),
                System.nanoTime()));
      }
      default -> {
        if (frame.containsKey("from") && frame.containsKey("seq")) {
          ledger.received(user.name, frame, client == user.client ? user.gen : -1);
        }
      }
    }
  }

  private void answered(User user, SignalingClient client, String id, String outcome) {
    user.inFlight.remove(id);
    ledger.answered(user.name, id, outcome);
    if (user.burstLeft.decrementAndGet() == 0) {
      scheduleBurst(user, client, ThreadLocalRandom.current().nextLong(pauseMinMs, pauseMaxMs + 1));
    }
  }

  private void scheduleBurst(User user, SignalingClient client, long delayMs) {
    vertx.setTimer(Math.max(1, delayMs), fired -> burst(user, client));
  }

  private void burst(User user, SignalingClient client) {
    if (!sending || stopped || user.client != client || !user.online || client.isClosed()) {
      return;
    }
    int gen = user.gen;
    user.burstLeft.set(BURST);
    for (int i = 0; i < BURST; i++) {
      long seq = user.seq.incrementAndGet();
      String id = user.name + ":" + seq;
      JsonObject message =
          new JsonObject()
              .put(
                  "type",
                  i == 0
                      ? (user.index % 2 == 0 ? "video-offer" : "video-answer")
                      : "new-ice-candidate")
              .put("target", user.partner)
              .put("id", id)
              .put("seq", seq)
              .put("gen", gen);
      if (i == 0) {
        message.put(
            "sdp",
            new JsonObject().put("type", user.index % 2 == 0 ? "offer" : "answer").put("sdp", SDP));
      } else {
        message.put(
            "candidate",
            new JsonObject()
                .put("candidate", CANDIDATE)
                .put("sdpMid", "0")
                .put("sdpMLineIndex", 0));
      }
      ledger.sent(id, user.name, user.partner, gen, seq);
      user.inFlight.add(id);
      client.send(message);
    }
  }

  private void onClosed(User user, SignalingClient client, int status) {
    if (user.client != client) {
      return;
    }
    long now = System.nanoTime();
    user.closeCodes.add(status);
    user.online = false;
    user.wentOffline(now);
    for (String id : List.copyOf(user.inFlight)) {
      ledger.senderClosed(id, status);
    }
    user.inFlight.clear();
    if (stopped || user.abandoned) {
      return;
    }
    Future<Void> allowed = gate.apply(user);
    if (allowed == null) {
      return;
    }
    allowed.onComplete(
        open -> {
          long delay =
              user.goAwayAfterMs >= 0
                  ? user.goAwayAfterMs
                  : ThreadLocalRandom.current().nextLong(dropBackoffMinMs, dropBackoffMaxMs + 1);
          long deadline = System.nanoTime() + reconnectDeadline.toNanos();
          vertx.setTimer(Math.max(1, delay), fired -> reconnect(user, user.endpoint, 0, deadline));
        });
  }

  private void reconnect(User user, Endpoint previous, int attempt, long deadline) {
    if (stopped) {
      return;
    }
    Endpoint next = placement.pick(user, previous, attempt);
    connect(user, next)
        .onFailure(
            failed -> {
              if (stopped) {
                return;
              }
              if (System.nanoTime() > deadline) {
                reconnectFailures.incrementAndGet();
                ledger.problem(
                    user.name + " could not reconnect within " + reconnectDeadline + ": " + failed);
                return;
              }
              vertx.setTimer(150, fired -> reconnect(user, next, attempt + 1, deadline));
            });
  }

  /**
   * Sends {@code note} with an id from {@code prober} to each of {@code names} at once; completes
   * with each name's outcome: {@code ack} or the error code.
   */
  static Future<Map<String, String>> probe(SignalingClient prober, Iterable<String> names) {
    Map<String, String> outcomes = new ConcurrentHashMap<>();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String name : names) {
      answers.add(
          prober
              .request(new JsonObject().put("type", "note").put("target", name))
              .andThen(
                  answer ->
                      outcomes.put(
                          name,
                          answer.succeeded()
                              ? Ledger.ACK
                              : answer.cause() instanceof SignalingException error
                                  ? error.code()
                                  : "failed: " + answer.cause())));
    }
    Promise<Map<String, String>> all = Promise.promise();
    Future.join(answers).onComplete(done -> all.complete(Map.copyOf(outcomes)));
    return all.future();
  }

  private static String sdp() {
    StringBuilder sdp =
        new StringBuilder("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
            .append("a=group:BUNDLE 0 1\r\na=msid-semantic: WMS stream\r\n");
    for (String kind : new String[] {"audio", "video"}) {
      sdp.append("m=")
          .append(kind)
          .append(" 9 UDP/TLS/RTP/SAVPF 111 96 97\r\nc=IN IP4 0.0.0.0\r\n")
          .append(
              "a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlTh\r\n")
          .append(
              "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0")
          .append(":A1:58:D0:A1:2C:19:08\r\na=setup:actpass\r\na=sendrecv\r\na=rtcp-mux\r\n")
          .append(
              "a=rtpmap:111 opus/48000/2\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\n");
    }
    return sdp.toString();
  }
}
