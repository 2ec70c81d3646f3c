package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a user of the relay notices, run once on a single node and once on a cluster (see the
 * subclasses). Callers sit on one node and callees on another: the same node when there is only
 * one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoutingTests {
  static final Duration WAIT = TestCluster.TIMEOUT;
  private static final AtomicInteger NAMES = new AtomicInteger();

  TestCluster cluster;

  abstract TestCluster startCluster();

  /** The node callers connect to. */
  int caller() {
    return 0;
  }

  /** The node callees connect to. */
  int callee() {
    return 1;
  }

  /**
   * Whether the callers' connections carry binary frames: WebSockets do, the HTTP transport not.
   */
  boolean callersSendBinary() {
    return true;
  }

  @BeforeAll
  void startNodes() {
    cluster = startCluster();
  }

  @AfterAll
  void stopNodes() {
    cluster.close();
  }

  /** A name no other test uses, so tests can share the nodes. */
  static String unique(String name) {
    return name + "-" + NAMES.incrementAndGet();
  }

  @Test
  void aWholeCallSetupArrivesOnceInOrderWithSenderAndPayloadIntact() throws Exception {
    String aliceName = unique("alice");
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(aliceName, caller());
    SignalingClient bob = cluster.login(bobName, callee());

    List<JsonObject> fromAlice = new ArrayList<>();
    List<JsonObject> fromBob = new ArrayList<>();
    fromAlice.add(offer(bobName));
    for (int i = 0; i < 10; i++) {
      fromAlice.add(candidate(bobName, i));
    }
    fromAlice.add(new JsonObject().put("type", "hang-up").put("target", bobName));
    fromBob.add(answer(aliceName));
    for (int i = 0; i < 10; i++) {
      fromBob.add(candidate(aliceName, i));
    }

    fromAlice.subList(0, fromAlice.size() - 1).forEach(alice::send);
    fromBob.forEach(bob::send);
    alice.send(fromAlice.get(fromAlice.size() - 1));

    assertReceivedExactly(bob, aliceName, fromAlice);
    assertReceivedExactly(alice, bobName, fromBob);
  }

  @Test
  void aMessageWithAnIdIsAckedOnceDeliveredAndOnlyThen() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), caller());
    SignalingClient bob = cluster.login(bobName, callee());

    alice.send(candidate(bobName, 1));
    alice.send(candidate(bobName, 2));
    JsonObject ack = TestCluster.await(alice.request(candidate(bobName, 3).put("id", "last")));

    assertThat(ack).isEqualTo(new JsonObject().put("type", "ack").put("id", "last"));
    // Acks follow delivery order: had the id-less messages been acked, those acks would be here
    // already.
    assertThat(alice.seen())
        .filteredOn(frame -> "ack".equals(frame.getString("type")))
        .containsExactly(ack);
    for (int i = 1; i <= 3; i++) {
      int index = i;
      bob.await(
          frame ->
              frame.getJsonObject("candidate", new JsonObject()).getInteger("sdpMLineIndex", -1)
                  == index,
          WAIT);
    }
  }

  @Test
  void aMessageForSomeoneOfflineIsAnsweredPeerUnavailable() throws Exception {
    SignalingClient alice = cluster.login(unique("alice"), caller());

    assertThatThrownBy(() -> TestCluster.await(alice.request(offer("nobody-here").put("id", 41))))
        .hasCauseInstanceOf(SignalingException.class);
    JsonObject error = alice.await("error", WAIT);

    assertThat(error.getString("code")).isEqualTo("peer-unavailable");
    assertThat(error.getValue("ref")).isEqualTo(41);
    assertThat(error.getString("target")).isEqualTo("nobody-here");
    assertThat(error.getString("message")).isNotBlank();

    alice.send(offer("nobody-here"));
    JsonObject withoutId = alice.await("error", WAIT);
    assertThat(withoutId.getString("code")).isEqualTo("peer-unavailable");
    assertThat(withoutId.containsKey("ref")).isFalse();
  }

  @Test
  void nothingButLoginIsAcceptedBeforeLogin() throws Exception {
    SignalingClient anonymous = cluster.connect(caller());

    anonymous.send(offer("bob").put("id", "early"));
    JsonObject error = anonymous.await("error", WAIT);

    assertThat(error.getString("code")).isEqualTo("not-logged-in");
    assertThat(error.getString("ref")).isEqualTo("early");
    String name = unique("late");
    assertThat(TestCluster.await(anonymous.login(name)).getString("name")).isEqualTo(name);
  }

  @Test
  void badInputGetsAClearErrorAndTheConnectionCarriesOn() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), caller());
    SignalingClient bob = cluster.login(bobName, callee());

    String[][] cases = {
      {"{not json", "invalid-json"},
      {"[\"an\",\"array\"]", "invalid-json"},
      {"{\"target\":\"" + bobName + "\"}", "invalid-type"},
      {"{\"type\":\"video-offer\"}", "missing-target"},
      {"{\"type\":\"video-offer\",\"target\":42}", "invalid-field"},
      {"{\"type\":\"ack\",\"target\":\"" + bobName + "\"}", "reserved-type"},
      {"{\"type\":\"login\",\"name\":\"again\"}", "already-logged-in"},
    };
    for (String[] badInput : cases) {
      alice.sendText(badInput[0]);
      assertThat(alice.await("error", WAIT).getString("code"))
          .as(badInput[0])
          .isEqualTo(badInput[1]);
    }
    if (callersSendBinary()) {
      TestCluster.await(alice.sendBinary(new byte[] {1, 2, 3}));
      assertThat(alice.await("error", WAIT).getString("code")).isEqualTo("binary-not-supported");
    }

    TestCluster.await(alice.request(offer(bobName)));
    assertThat(bob.await("video-offer", WAIT).getString("from")).isEqualTo(alice.name());
    assertThat(alice.isClosed()).isFalse();
  }

  @Test
  void aNewerLoginOfTheSameNameReplacesTheOlderSession() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), caller());
    SignalingClient oldBob = cluster.login(bobName, caller());
    SignalingClient newBob = cluster.login(bobName, callee());

    assertThat(oldBob.await("error", WAIT).getString("code")).isEqualTo("session-replaced");
    assertThat(TestCluster.await(oldBob.closeFuture())).isEqualTo((short) 1008);

    TestCluster.await(alice.request(offer(bobName)));
    assertThat(newBob.await("video-offer", WAIT).getString("from")).isEqualTo(alice.name());
    assertThat(oldBob.seen()).noneMatch(frame -> "video-offer".equals(frame.getString("type")));
  }

  @Test
  void loginsRacingForOneNameLeaveExactlyOneLiveSession() throws Exception {
    SignalingClient alice = cluster.login(unique("alice"), caller());
    for (int round = 0; round < 10; round++) {
      String name = unique("racer");
      SignalingClient first = cluster.connect(caller());
      SignalingClient second = cluster.connect(callee());
      first.login(name);
      second.login(name);

      Poll.until(
          () -> first.isClosed() || second.isClosed(),
          WAIT,
          "one of the racing sessions is replaced");
      SignalingClient loser = first.isClosed() ? first : second;
      SignalingClient winner = loser == first ? second : first;
      assertThat(loser.seen())
          .anyMatch(frame -> "session-replaced".equals(frame.getString("code")));

      TestCluster.await(alice.request(offer(name)));
      assertThat(winner.await("video-offer", WAIT).getString("from")).isEqualTo(alice.name());
      assertThat(winner.isClosed()).as("round %d: the winner stays connected", round).isFalse();
      winner.close();
    }
  }

  /**
   * Nodes remember where the users they relayed to were connected; a user who logs in again, here
   * or on the other node, must be reached at the new session at once, never reported unavailable.
   */
  @Test
  void aUserWhoLogsInAgainIsReachedAtTheNewSessionAtOnce() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), caller());
    SignalingClient bob = cluster.login(bobName, callee());
    TestCluster.await(alice.request(candidate(bobName, 0)));

    for (int round = 1; round <= 10; round++) {
      TestCluster.await(bob.close());
      bob = cluster.login(bobName, round % 2 == 0 ? callee() : caller());

      TestCluster.await(alice.request(candidate(bobName, round)));
      int expected = round;
      bob.await(
          frame ->
              frame.getJsonObject("candidate", new JsonObject()).getInteger("sdpMLineIndex", -1)
                  == expected,
          WAIT);
    }
    assertThat(alice.seen()).noneMatch(frame -> "error".equals(frame.getString("type")));
  }

  @Test
  void aDisconnectedUserIsNoLongerReachable() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), caller());
    SignalingClient bob = cluster.login(bobName, callee());

    TestCluster.await(bob.close());

    Poll.until(
        () -> TestCluster.await(cluster.node(0).presence().lookup(bobName)) == null,
        WAIT,
        "presence forgets " + bobName);
    assertThatThrownBy(() -> TestCluster.await(alice.request(offer(bobName))))
        .hasRootCauseInstanceOf(SignalingException.class)
        .rootCause()
        .hasMessageContaining("peer-unavailable");
  }

  @Test
  void logoutClosesNormallyAndForgetsTheUser() throws Exception {
    String bobName = unique("bob");
    SignalingClient bob = cluster.login(bobName, callee());

    bob.send(new JsonObject().put("type", "logout"));

    assertThat(TestCluster.await(bob.closeFuture())).isEqualTo((short) 1000);
    Poll.until(
        () -> TestCluster.await(cluster.node(0).presence().lookup(bobName)) == null,
        WAIT,
        "presence forgets " + bobName);
  }

  @Test
  void aBurstOfMessagesArrivesInTheOrderItWasSent() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), caller());
    SignalingClient bob = cluster.login(bobName, callee());
    int count = 500;
    double streamedBefore = streamedFrom(caller());

    for (int i = 0; i < count - 1; i++) {
      alice.send(new JsonObject().put("type", "seq").put("target", bobName).put("n", i));
    }
    TestCluster.await(
        alice.request(
            new JsonObject().put("type", "seq").put("target", bobName).put("n", count - 1)));

    List<Integer> received = new ArrayList<>();
    while (received.size() < count) {
      received.add(bob.await("seq", WAIT).getInteger("n"));
    }
    assertThat(received).isSorted().doesNotHaveDuplicates().hasSize(count);
    if (cluster.node(caller()) != cluster.node(callee())) {
      // Across nodes, without a reply per message: confirmed by the target's node in batches.
      assertThat(streamedFrom(caller()) - streamedBefore).isGreaterThanOrEqualTo(count);
    }
  }

  private double streamedFrom(int node) {
    String scrape = Http.get(cluster.node(node).httpPort(), "/metrics").body();
    return Http.sample(scrape, "signaling_streamed_frames_total");
  }

  static JsonObject offer(String target) {
    return new JsonObject()
        .put("type", "video-offer")
        .put("target", target)
        .put("sdp", new JsonObject().put("type", "offer").put("sdp", Sdp.OFFER));
  }

  static JsonObject answer(String target) {
    return new JsonObject()
        .put("type", "video-answer")
        .put("target", target)
        .put("sdp", new JsonObject().put("type", "answer").put("sdp", Sdp.ANSWER));
  }

  static JsonObject candidate(String target, int index) {
    return new JsonObject()
        .put("type", "new-ice-candidate")
        .put("target", target)
        .put(
            "candidate",
            new JsonObject()
                .put(
                    "candidate",
                    "candidate:"
                        + index
                        + " 1 udp 2122260223 192.0.2."
                        + index
                        + " 5"
                        + index
                        + "000 typ host generation 0")
                .put("sdpMid", "0")
                .put("sdpMLineIndex", index)
                .put("usernameFragment", "frag\u00e9\"quoted\""))
        .put("extras", new JsonArray().add(1.5).add(true).addNull());
  }

  private static void assertReceivedExactly(
      SignalingClient receiver, String sender, List<JsonObject> sent) throws Exception {
    for (JsonObject expected : sent) {
      JsonObject received = receiver.await(frame -> frame.containsKey("from"), WAIT);
      assertThat(received).isEqualTo(expected.copy().put("from", sender));
    }
    // Whatever else arrived (nothing should have) would be in the inbox by now: every message above
    // was sent before the last one and arrives before it.
    assertThat(receiver.drainInbox()).noneMatch(frame -> frame.containsKey("from"));
  }
}
