package dev.signaling.node.peerjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The PeerJS server protocol, frame by frame and without a browser, on two clustered nodes: what a
 * stock PeerJS client sends and what the PeerJS server would answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerJsProtocolTest {
  private static final Duration EXPIRE = Duration.ofMillis(1500);
  private static final Duration QUIET = Duration.ofMillis(300);

  private TestCluster cluster;
  private final List<PeerJsSocket> sockets = new ArrayList<>();

  @BeforeAll
  void start() {
    cluster =
        TestCluster.start(
            true, 2, Map.of("PEERJS_EXPIRE_TIMEOUT_MS", Long.toString(EXPIRE.toMillis())));
  }

  @AfterAll
  void stop() {
    sockets.forEach(PeerJsSocket::close);
    cluster.close();
  }

  private Vertx vertx() {
    return cluster.clientVertx();
  }

  private int port(int node) {
    return cluster.node(node).httpPort();
  }

  private static String id(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private PeerJsSocket socket(int node, String key, String id, String token) {
    PeerJsSocket socket = PeerJsSocket.connect(vertx(), port(node), key, id, token);
    sockets.add(socket);
    return socket;
  }

  /** A client whose connection is open ({@code OPEN} received). */
  private PeerJsSocket open(int node, String id, String token) {
    PeerJsSocket socket = socket(node, "peerjs", id, token);
    assertThat(socket.next()).isEqualTo(new JsonObject().put("type", "OPEN"));
    return socket;
  }

  private static JsonObject message(String type, String dst, Object payload) {
    return new JsonObject().put("type", type).put("dst", dst).put("payload", payload);
  }

  @Test
  void anIdComesFromTheIdRouteAndPeersAreNotListedByDefault() {
    HttpResponse<String> id = Http.get(port(0), "/peerjs/id?ts=1&version=1.5.5");
    assertThat(id.statusCode()).isEqualTo(200);
    assertThat(UUID.fromString(id.body()).toString()).isEqualTo(id.body());
    assertThat(Http.get(port(0), "/peerjs/id").body()).isNotEqualTo(id.body());
    assertThat(Http.get(port(1), "/peerjs/peers").statusCode()).isEqualTo(401);
  }

  @Test
  void offersAnswersAndCandidatesCrossNodesWithTheSenderSetByTheServer() {
    String alice = id("alice");
    String bob = id("bob");
    PeerJsSocket aliceSocket = open(0, alice, "ta");
    PeerJsSocket bobSocket = open(1, bob, "tb");
    JsonObject sdp = new JsonObject().put("sdp", "v=0\r\n").put("type", "offer");
    JsonObject payload =
        new JsonObject().put("sdp", sdp).put("type", "data").put("connectionId", "dc_1");

    aliceSocket.send(message("OFFER", bob, payload).put("src", "mallory").put("extra", 1));
    assertThat(bobSocket.next())
        .isEqualTo(
            new JsonObject()
                .put("type", "OFFER")
                .put("src", alice)
                .put("dst", bob)
                .put("payload", payload));

    bobSocket.send(message("ANSWER", alice, new JsonObject().put("connectionId", "dc_1")));
    assertThat(aliceSocket.next())
        .isEqualTo(
            new JsonObject()
                .put("type", "ANSWER")
                .put("src", bob)
                .put("dst", alice)
                .put("payload", new JsonObject().put("connectionId", "dc_1")));

    for (int i = 0; i < 300; i++) {
      aliceSocket.send(message("CANDIDATE", bob, new JsonObject().put("n", i)));
    }
    for (int i = 0; i < 300; i++) {
      JsonObject candidate = bobSocket.next();
      assertThat(candidate.getString("type")).isEqualTo("CANDIDATE");
      assertThat(candidate.getJsonObject("payload").getInteger("n")).isEqualTo(i);
    }
    aliceSocket.send(message("LEAVE", bob, null));
    assertThat(bobSocket.next())
        .isEqualTo(new JsonObject().put("type", "LEAVE").put("src", alice).put("dst", bob));
    assertThat(aliceSocket.poll(QUIET)).as("nothing comes back to the sender").isNull();
  }

  @Test
  void anIdHeldWithAnotherTokenIsTakenAndTheSameTokenTakesItBack() {
    String alice = id("alice");
    PeerJsSocket first = open(0, alice, "secret-1");

    PeerJsSocket thief = socket(1, "peerjs", alice, "secret-2");
    assertThat(thief.next())
        .isEqualTo(
            new JsonObject()
                .put("type", "ID-TAKEN")
                .put("payload", new JsonObject().put("msg", "ID is taken")));
    thief.awaitClose();
    assertThat(first.isClosed()).isFalse();

    PeerJsSocket again = open(1, alice, "secret-1");
    first.awaitClose();
    String bob = id("bob");
    PeerJsSocket bobSocket = open(0, bob, "tb");
    bobSocket.send(message("OFFER", alice, new JsonObject().put("n", 1)));
    assertThat(again.next().getString("src")).isEqualTo(bob);
  }

  @Test
  void aWrongKeyOrAMissingParameterIsAnError() {
    PeerJsSocket wrongKey = socket(0, "other", id("x"), "t");
    assertThat(wrongKey.next())
        .isEqualTo(
            new JsonObject()
                .put("type", "ERROR")
                .put("payload", new JsonObject().put("msg", "Invalid key provided")));
    wrongKey.awaitClose();

    PeerJsSocket noToken = socket(1, "peerjs", id("x"), null);
    assertThat(noToken.next().getJsonObject("payload").getString("msg"))
        .isEqualTo("No id, token, or key supplied to websocket server");
    noToken.awaitClose();
  }

  @Test
  void aMessageToAnIdNotConnectedExpiresAfterTheTimeout() {
    String alice = id("alice");
    String carol = id("carol");
    PeerJsSocket aliceSocket = open(0, alice, "ta");

    long sent = System.nanoTime();
    aliceSocket.send(message("OFFER", carol, new JsonObject().put("connectionId", "mc_1")));
    aliceSocket.send(message("CANDIDATE", carol, new JsonObject().put("connectionId", "mc_1")));
    // While it waits, the client keeps itself alive, as the PeerJS client does every 5 s.
    aliceSocket.send(new JsonObject().put("type", "HEARTBEAT"));

    JsonObject expire = aliceSocket.next();
    Duration waited = Duration.ofNanos(System.nanoTime() - sent);
    assertThat(expire)
        .isEqualTo(new JsonObject().put("type", "EXPIRE").put("src", carol).put("dst", alice));
    assertThat(waited).isBetween(EXPIRE.minusMillis(100), EXPIRE.plusSeconds(2));
    assertThat(aliceSocket.poll(QUIET)).as("one EXPIRE for both messages").isNull();
  }

  @Test
  void messagesToAnIdThatConnectsInTimeReachItInOrder() {
    String alice = id("alice");
    String dave = id("dave");
    PeerJsSocket aliceSocket = open(0, alice, "ta");
    for (int i = 0; i < 20; i++) {
      aliceSocket.send(message(i == 0 ? "OFFER" : "CANDIDATE", dave, new JsonObject().put("n", i)));
    }

    PeerJsSocket daveSocket = open(1, dave, "td");
    for (int i = 0; i < 20; i++) {
      JsonObject held = daveSocket.next();
      assertThat(held.getString("src")).isEqualTo(alice);
      assertThat(held.getJsonObject("payload").getInteger("n")).isEqualTo(i);
    }
    assertThat(aliceSocket.poll(EXPIRE.plusMillis(500))).as("no EXPIRE").isNull();
  }

  @Test
  void aSilentClientIsDroppedAndHeartbeatsKeepOneAlive() throws Exception {
    try (TestCluster single =
        TestCluster.start(false, 1, Map.of("PEERJS_ALIVE_TIMEOUT_MS", "1000"))) {
      int port = single.node(0).httpPort();
      PeerJsSocket silent = PeerJsSocket.connect(vertx(), port, "peerjs", id("s"), "t");
      PeerJsSocket beating = PeerJsSocket.connect(vertx(), port, "peerjs", id("b"), "t");
      sockets.add(silent);
      sockets.add(beating);
      assertThat(silent.next().getString("type")).isEqualTo("OPEN");
      assertThat(beating.next().getString("type")).isEqualTo("OPEN");
      long start = System.nanoTime();
      while (!silent.isClosed() && System.nanoTime() - start < 5_000_000_000L) {
        beating.send(new JsonObject().put("type", "HEARTBEAT"));
        assertThat(beating.poll(Duration.ofMillis(250))).isNull();
      }
      assertThat(silent.isClosed()).as("the silent client is dropped").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
      assertThat(beating.isClosed()).as("the client sending heartbeats stays").isFalse();
    }
  }

  @Test
  void peerJsIdsAndNativeNamesAreSeparateNamespaces() throws Exception {
    String name = id("erin");
    SignalingClient nativeErin = cluster.login(name, 0);
    PeerJsSocket peerJsErin = open(1, name, "te");

    assertThatThrownBy(
            () ->
                TestCluster.await(
                    nativeErin.request(
                        new JsonObject()
                            .put("type", "offer")
                            .put("target", "peerjs:" + name)
                            .put("id", 1))))
        .hasRootCauseInstanceOf(SignalingException.class)
        .hasMessageContaining("invalid-field");
    assertThat(nativeErin.isClosed())
        .as("the PeerJS login took nothing from the native one")
        .isFalse();
    assertThat(peerJsErin.poll(QUIET)).isNull();
  }

  @Test
  void discoveryListsTheIdsOnlineOnEveryNode() {
    String alice = id("alice");
    String bob = id("bob");
    open(0, alice, "ta");
    open(1, bob, "tb");
    var listing = cluster.addNode(Map.of("PEERJS_DISCOVERY", "true"));

    HttpResponse<String> peers = Http.get(listing.httpPort(), "/peerjs/peers");
    assertThat(peers.statusCode()).isEqualTo(200);
    assertThat(new JsonArray(peers.body()).getList()).contains(alice, bob);
  }
}
