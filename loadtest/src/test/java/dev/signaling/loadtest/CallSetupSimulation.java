package dev.signaling.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import java.time.Duration;
import java.util.Map;

/**
 * Call setups between pairs of users on different nodes, the way the web app makes a call: offer,
 * answer, ten ICE candidates each way, hang-up.
 *
 * <h2>How two virtual users become a pair</h2>
 *
 * Gatling's virtual users are independent, so the pairing is decided by numbers alone. Each user
 * takes the next number {@code i} when it starts ({@link #numberUser()}); user {@code i} belongs to
 * pair {@code p = i / 2} and is its callee when {@code i} is even, its caller when odd. The two
 * derive each other's names from {@code p} and the run id: the callee logs in as {@code
 * e-<run>-<p>}, the caller as {@code c-<run>-<p>} and calls {@code e-<run>-<p>}. Every number is
 * taken exactly once, so every pair gets exactly one user of each role, whatever the injection
 * profile. The caller connects to node {@code p mod n} and the callee to node {@code p + 1 mod n}:
 * with two or more nodes, every call crosses between nodes, and the pairs are spread round all of
 * them.
 *
 * <p>The callee starts first (it has the lower number), but nothing guarantees its login is
 * recorded before the caller's offer arrives. So the caller retries: an offer answered {@code
 * peer-unavailable} (the callee is not online yet; the offer was not delivered) is sent again after
 * {@code offerRetryMillis}, up to {@code offerAttempts} times; the last attempt accepts nothing but
 * an {@code ack}, so a callee that never shows up fails the run. Any other error fails at once.
 *
 * <h2>Why the messages alternate</h2>
 *
 * Gatling checks a WebSocket message only while an action is waiting for it: a message that arrives
 * while nothing waits is lost to the checks, and one that arrives before the message a check waits
 * for makes that check fail. The protocol orders the messages of one sender to one target, but not
 * messages from different senders (an {@code ack} from the server and a message from the peer can
 * arrive in either order). So each user's next incoming message is made to depend on what it sent
 * last:
 *
 * <pre>
 * caller                                   callee
 *   offer (id) ------------------------------> [waits since login: offer,
 *   [ack]                                       and then the caller's candidate 1]
 *   candidate 1 -----------------------------> answer (id)
 *   [answer, then callee's candidate 1] <---- [ack]
 *                                              candidate 1
 *   candidate 2 -----------------------------> [candidate 2]
 *   [candidate 2] <--------------------------- candidate 2
 *   ... up to candidate 10 each way ...
 *   [candidate 10] <-------------------------- candidate 10, then waits for the hang-up
 *   hang-up (id) ----------------------------> [hang-up]
 *   [ack]                                      close
 *   close
 * </pre>
 *
 * The callee answers only after the caller's first candidate, which the caller sends only after its
 * offer's ack: so the ack reaches the caller before the answer. Candidates go without {@code id},
 * as real clients send them, so no ack races the peer's next candidate. Every wait is armed in the
 * action that sends the message its awaited reply depends on, and checks every message it receives:
 * anything unexpected (an error, a duplicate, a message out of order) fails the run. The one
 * exception is the last wait: the callee closes as soon as it has the hang-up, and a node that
 * tells users of a recent peer's departure may deliver that {@code peer-left} to the caller before
 * the hang-up's ack, so that wait skips a {@code peer-left}.
 *
 * <h2>What the timings mean</h2>
 *
 * {@code offer ack}, {@code answer ack}, {@code hang-up ack}: from sending a message to its ack,
 * which the server sends once the target's node has written the message (a relay across two nodes
 * and back). {@code ice round trip}: from sending a candidate to receiving the peer's next one (two
 * relays across the nodes plus the peer's turn-around). {@code offer received} and the checks after
 * it count the callee's wait for its caller and are not latencies.
 */
public class CallSetupSimulation extends SignalingSimulation {
  private static final int CANDIDATES = 10;
  private static final String OFFER_SDP = Sdp.jsonEscaped(Sdp.OFFER);
  private static final String ANSWER_SDP = Sdp.jsonEscaped(Sdp.ANSWER);

  /**
   * Calls; {@code -Dusers} (connections, two a call) works too, for the same command line as the
   * others.
   */
  private final int pairs = Params.positive("pairs", Math.max(1, Params.integer("users", 100) / 2));

  private final int rampSeconds = Params.integer("rampSeconds", 30);
  private final int offerAttempts = Params.positive("offerAttempts", 20);
  private final Duration offerRetry = Duration.ofMillis(Params.positive("offerRetryMillis", 250));

  /** How long a callee waits, after its login, for its caller's offer. */
  private final Duration peerWait =
      Duration.ofSeconds(
          Params.positive("peerWaitSeconds", 30 + (rampSeconds + pairs - 1) / pairs));

  /** How long a callee waits before it connects: above 0, callers' first offers find it offline. */
  private final Duration calleeDelay = Duration.ofMillis(Params.integer("calleeDelayMillis", 0));

  private final int p99AckMs = Params.positive("p99AckMs", 2000);
  private final int p99RoundTripMs = Params.positive("p99RoundTripMs", 2000);

  public CallSetupSimulation() {
    ScenarioBuilder calls =
        scenario("call setup")
            .exec(numberUser())
            .exec(this::assignRole)
            .doIfOrElse(session -> session.getBoolean("callee"))
            .then(callee())
            .orElse(caller());

    OpenInjectionStep injection =
        rampSeconds == 0
            ? atOnceUsers(2 * pairs)
            : rampUsers(2 * pairs).during(Duration.ofSeconds(rampSeconds));
    setUp(calls.injectOpen(injection))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(rampSeconds).plus(peerWait).plusSeconds(120))
        .assertions(
            // Every check of every awaited message passed, and no connection failed.
            global().failedRequests().count().is(0L),
            // Every pair got to the end (a run cut short by maxDuration has no failed request).
            details("hang-up ack").successfulRequests().count().is((long) pairs),
            details("offer ack").responseTime().percentile(99.0).lt(p99AckMs),
            details("answer ack").responseTime().percentile(99.0).lt(p99AckMs),
            details("hang-up ack").responseTime().percentile(99.0).lt(p99AckMs),
            details("ice round trip").responseTime().percentile(99.0).lt(p99RoundTripMs));
  }

  private Session assignRole(Session session) {
    int index = session.getInt("index");
    int pair = index / 2;
    boolean callee = index % 2 == 0;
    String callerName = "c-" + runId + "-" + pair;
    String calleeName = "e-" + runId + "-" + pair;
    return session.setAll(
        Map.of(
            "callee",
            callee,
            "me",
            callee ? calleeName : callerName,
            "peer",
            callee ? callerName : calleeName,
            "url",
            url(callee ? pair + 1 : pair),
            "attempt",
            0,
            "offerOutcome",
            ""));
  }

  private ChainBuilder caller() {
    ChainBuilder chain =
        exec(ws("connect").connect(session -> session.getString("url")))
            .exec(
                ws("send login")
                    .sendText(session -> loginFrame(session.getString("me")))
                    .await(await)
                    .on(loginOk("login-ok", session -> session.getString("me"))))
            .exitHereIfFailed()
            // Offers that may find the callee not yet online: peer-unavailable means "not
            // delivered, try again".
            .asLongAs(
                session -> !offerAcked(session) && session.getInt("attempt") < offerAttempts - 1)
            .on(
                exec(CallSetupSimulation::nextAttempt)
                    .exec(
                        ws("send offer")
                            .sendText(this::offer)
                            .await(await)
                            .on(
                                ws.checkTextMessage("offer ack")
                                    .check(
                                        // "ack", or the error's code: only peer-unavailable may be
                                        // retried.
                                        jmesPath("type == 'ack' && 'ack' || code")
                                            .in("ack", "peer-unavailable")
                                            .saveAs("offerOutcome"),
                                        jmesPath("id || ref").is(CallSetupSimulation::offerId))))
                    .exitHereIfFailed()
                    .doIf(session -> !offerAcked(session))
                    .then(pause(offerRetry)))
            // The last attempt: the callee must be online by now.
            .doIf(session -> !offerAcked(session))
            .then(
                exec(CallSetupSimulation::nextAttempt)
                    .exec(
                        ws("send offer")
                            .sendText(this::offer)
                            .await(await)
                            .on(
                                ws.checkTextMessage("offer ack")
                                    .check(
                                        jsonPath("$.type").is("ack"),
                                        jsonPath("$.id").is(CallSetupSimulation::offerId)))))
            .exitHereIfFailed()
            // Candidate 1 makes the callee answer; then the callee's candidates come one for one of
            // ours.
            .exec(
                ws("send candidate")
                    .sendText(session -> candidate(session, 1))
                    .await(await)
                    .on(
                        ws.checkTextMessage("answer")
                            .check(
                                jsonPath("$.type").is("video-answer"),
                                jsonPath("$.from").is(CallSetupSimulation::peer),
                                jsonPath("$.id").is("answer"),
                                jsonPath("$.sdp.type").is("answer"),
                                jsonPath("$.sdp.sdp").is(Sdp.ANSWER)),
                        ws.checkTextMessage("ice after answer").check(candidateFromPeer(1))))
            .exitHereIfFailed();
    for (int i = 2; i <= CANDIDATES; i++) {
      int seq = i;
      chain =
          chain
              .exec(
                  ws("send candidate")
                      .sendText(session -> candidate(session, seq))
                      .await(await)
                      .on(ws.checkTextMessage("ice round trip").check(candidateFromPeer(seq))))
              .exitHereIfFailed();
    }
    return chain
        .exec(
            ws("send hang-up")
                .sendText(
                    session ->
                        "{\"type\":\"hang-up\",\"target\":\""
                            + peer(session)
                            + "\",\"id\":\"hang-up\"}")
                .await(await)
                .on(
                    ws.checkTextMessage("hang-up ack")
                        // See the class comment: a peer-left about the callee may come first.
                        .matching(jsonPath("$.type").not("peer-left"))
                        .check(jsonPath("$.type").is("ack"), jsonPath("$.id").is("hang-up"))))
        .exec(ws("close").close());
  }

  private ChainBuilder callee() {
    ChainBuilder chain =
        pause(calleeDelay)
            .exec(ws("connect").connect(session -> session.getString("url")))
            .exec(
                ws("send login")
                    .sendText(session -> loginFrame(session.getString("me")))
                    .await(await)
                    .on(loginOk("login-ok", session -> session.getString("me")))
                    // Armed right after login-ok, in the same action, so that no offer can arrive
                    // unwatched.
                    .await(peerWait)
                    .on(
                        ws.checkTextMessage("offer received")
                            .check(
                                jsonPath("$.type").is("video-offer"),
                                jsonPath("$.from").is(CallSetupSimulation::peer),
                                jsonPath("$.target").is(session -> session.getString("me")),
                                jsonPath("$.sdp.type").is("offer"),
                                jsonPath("$.sdp.sdp").is(Sdp.OFFER)),
                        ws.checkTextMessage("ice after offer").check(candidateFromPeer(1))))
            .exitHereIfFailed()
            .exec(
                ws("send answer")
                    .sendText(
                        session ->
                            "{\"type\":\"video-answer\",\"target\":\""
                                + peer(session)
                                + "\",\"id\":\"answer\",\"sdp\":{\"type\":\"answer\",\"sdp\":\""
                                + ANSWER_SDP
                                + "\"}}")
                    .await(await)
                    .on(
                        ws.checkTextMessage("answer ack")
                            .check(jsonPath("$.type").is("ack"), jsonPath("$.id").is("answer"))))
            .exitHereIfFailed();
    for (int i = 1; i < CANDIDATES; i++) {
      int seq = i;
      chain =
          chain
              .exec(
                  ws("send candidate")
                      .sendText(session -> candidate(session, seq))
                      .await(await)
                      .on(ws.checkTextMessage("ice round trip").check(candidateFromPeer(seq + 1))))
              .exitHereIfFailed();
    }
    return chain
        .exec(
            ws("send candidate")
                .sendText(session -> candidate(session, CANDIDATES))
                .await(await)
                .on(
                    ws.checkTextMessage("hang-up received")
                        .check(
                            jsonPath("$.type").is("hang-up"),
                            jsonPath("$.from").is(CallSetupSimulation::peer))))
        .exec(ws("close").close());
  }

  private static Session nextAttempt(Session session) {
    return session.set("attempt", session.getInt("attempt") + 1);
  }

  private static boolean offerAcked(Session session) {
    return "ack".equals(session.getString("offerOutcome"));
  }

  private static String offerId(Session session) {
    return "offer-" + session.getInt("attempt");
  }

  private static String peer(Session session) {
    return session.getString("peer");
  }

  private String offer(Session session) {
    return "{\"type\":\"video-offer\",\"target\":\""
        + peer(session)
        + "\",\"id\":\""
        + offerId(session)
        + "\",\"sdp\":{\"type\":\"offer\",\"sdp\":\""
        + OFFER_SDP
        + "\"}}";
  }

  /**
   * Trickled candidate number {@code seq} (1-10) to the peer, without id, as browsers send them.
   */
  private static String candidate(Session session, int seq) {
    boolean callee = session.getBoolean("callee");
    return "{\"type\":\"new-ice-candidate\",\"target\":\""
        + peer(session)
        + "\",\"seq\":"
        + seq
        + ",\"candidate\":{\"candidate\":\"candidate:"
        + (842163049 + seq)
        + " 1 udp "
        + (2122260223 - seq)
        + " 192.0.2."
        + (callee ? 20 : 10)
        + " "
        + (54400 + seq)
        + " typ host generation 0 ufrag Xk3v network-id 1\",\"sdpMid\":\""
        + (seq % 2)
        + "\",\"sdpMLineIndex\":"
        + (seq % 2)
        + ",\"usernameFragment\":\"Xk3v\"}}";
  }

  private static CheckBuilder[] candidateFromPeer(int seq) {
    return new CheckBuilder[] {
      jsonPath("$.type").is("new-ice-candidate"),
      jsonPath("$.from").is(CallSetupSimulation::peer),
      jsonPath("$.seq").ofInt().is(seq),
      jsonPath("$.candidate.candidate").exists()
    };
  }
}
