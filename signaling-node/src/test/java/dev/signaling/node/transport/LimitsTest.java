package dev.signaling.node.transport;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What one client may cost a node, each limit answered with a code the client can act on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsTest {
  /** Held back for 8 s of a 10 s window, with room for a busy machine. */
  private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(20);

  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster =
        TestCluster.start(
            false,
            1,
            Map.of(
                "MAX_MESSAGE_BYTES", "1024",
                "RATE_LIMIT_PER_SECOND", "5",
                "RATE_LIMIT_BURST", "20",
                "MAX_CONNECTIONS_PER_IP", "30"));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void anOversizedMessageIsRefusedAndTheConnectionCarriesOn() throws Exception {
    SignalingClient alice = cluster.login("big-alice", 0);
    SignalingClient bob = cluster.login("big-bob", 0);

    alice.send(
        new JsonObject()
            .put("type", "video-offer")
            .put("target", "big-bob")
            .put("id", "huge")
            .put("sdp", "\u00e9".repeat(600)));
    JsonObject error = alice.await("error", TestCluster.TIMEOUT);

    assertThat(error.getString("code")).isEqualTo("message-too-large");
    assertThat(error.getString("message")).contains("1024");
    await(
        alice.request(
            new JsonObject()
                .put("type", "video-offer")
                .put("target", "big-bob")
                .put("sdp", "small")));
    assertThat(bob.await("video-offer", TestCluster.TIMEOUT).getString("sdp")).isEqualTo("small");
  }

  @Test
  void aBurstBeyondTheBudgetIsSlowedToTheRateAndAllOfItPasses() throws Exception {
    SignalingClient alice = cluster.login("fast-alice", 0);
    SignalingClient bob = cluster.login("fast-bob", 0);

    long start = System.nanoTime();
    for (int i = 0; i < 30; i++) {
      alice.send(
          new JsonObject().put("type", "new-ice-candidate").put("target", "fast-bob").put("n", i));
    }
    await(
        alice.request(
            new JsonObject()
                .put("type", "new-ice-candidate")
                .put("target", "fast-bob")
                .put("n", 30)));
    Duration probeAnswered = Duration.ofNanos(System.nanoTime() - start);

    List<Integer> received = new ArrayList<>();
    for (int i = 0; i <= 30; i++) {
      received.add(bob.await("new-ice-candidate", TestCluster.TIMEOUT).getInteger("n"));
    }
    assertThat(received)
        .as("every message of the burst arrives, in order")
        .isEqualTo(IntStream.rangeClosed(0, 30).boxed().toList());
    // 31 messages from a bucket of at most 20: at least 11 wait for tokens that come at 5 a second.
    assertThat(probeAnswered)
        .as("the last message is read at the rate")
        .isGreaterThanOrEqualTo(Duration.ofMillis(2200));
    assertThat(alice.seen())
        .as("no message is refused for being early")
        .noneMatch(frame -> "error".equals(frame.getString("type")));
    assertThat(alice.isClosed()).isFalse();
  }

  @Test
  void aClientThatKeepsFloodingIsReadAtTheRateThenCutOff() throws Exception {
    SignalingClient flooder = cluster.login("flooder", 0);

    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      flooder.sendText("not json");
    }

    JsonObject limited =
        flooder.await(frame -> "rate-limited".equals(frame.getString("code")), CUT_OFF_WITHIN);
    Duration cutOffAfter = Duration.ofNanos(System.nanoTime() - start);
    assertThat(limited.getString("message")).contains("more than 5 messages a second");
    assertThat(await(flooder.closeFuture())).isEqualTo((short) 1008);
    List<JsonObject> answers =
        flooder.seen().stream().filter(frame -> "error".equals(frame.getString("type"))).toList();
    assertThat(answers.subList(0, answers.size() - 1))
        .as("answers before the cut-off")
        .allSatisfy(error -> assertThat(error.getString("code")).isEqualTo("invalid-json"))
        // The burst (20), what the rate adds while the flooder is held back, and one for timer
        // slack.
        .hasSizeLessThanOrEqualTo((int) (20 + 5 * cutOffAfter.toMillis() / 1000.0 + 1));
    assertThat(cutOffAfter)
        .as("held back for 8 s of 10 before the cut-off")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void connectionsFromOneAddressAreCapped() {
    List<SignalingClient> clients = new ArrayList<>();
    // Other tests of this class may hold a few connections; fill up to the cap whatever they hold.
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 40; i++) {
                clients.add(cluster.connect(0));
              }
            })
        .hasRootCauseInstanceOf(UpgradeRejectedException.class)
        .rootCause()
        .satisfies(
            rejected ->
                assertThat(((UpgradeRejectedException) rejected).getStatus()).isEqualTo(429));
    clients.forEach(SignalingClient::close);
  }

  @Test
  void aForeignOriginIsRefusedAndTheNodesOwnAndNonBrowsersAreNot() {
    int port = cluster.node(0).httpPort();
    WebSocketConnectOptions foreign = options(port).addHeader("Origin", "https://evil.example");
    WebSocketConnectOptions own = options(port).addHeader("Origin", "http://127.0.0.1:" + port);

    assertThatThrownBy(() -> await(SignalingClient.connect(cluster.clientVertx(), foreign)))
        .hasRootCauseInstanceOf(UpgradeRejectedException.class)
        .rootCause()
        .satisfies(
            rejected ->
                assertThat(((UpgradeRejectedException) rejected).getStatus()).isEqualTo(403));
    await(SignalingClient.connect(cluster.clientVertx(), own)).close();
    await(SignalingClient.connect(cluster.clientVertx(), options(port))).close();
  }

  private static WebSocketConnectOptions options(int port) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI("/ws")
        .setTimeout(Duration.ofSeconds(5).toMillis());
  }
}
