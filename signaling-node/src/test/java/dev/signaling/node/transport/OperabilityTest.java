package dev.signaling.node.transport;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.ice.TurnCredentials;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator sees of two clustered nodes: metrics, probes, and the ICE servers clients get.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperabilityTest {
  private static final String SECRET = "test-turn-secret";
  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster =
        TestCluster.start(
            true,
            2,
            Map.of(
                "STUN_URLS", "stun:127.0.0.1:3478",
                "TURN_URLS", "turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp",
                "TURN_SECRET", SECRET,
                "TURN_TTL_SECONDS", "600"));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void metricsCountRelaysByFamilyAndOutcomeWithoutNamingAnyone() throws Exception {
    SignalingClient alice = cluster.login("metrics-alice", 0);
    SignalingClient bob = cluster.login("metrics-bob", 1);
    int port = cluster.node(0).httpPort();
    double remoteSdpBefore =
        sample(port, "signaling_messages_total{family=\"sdp\",outcome=\"delivered-remote\"}");

    await(
        alice.request(
            new JsonObject()
                .put("type", "video-offer")
                .put("target", "metrics-bob")
                .put("sdp", "v=0")));
    bob.await("video-offer", TestCluster.TIMEOUT);
    alice.send(new JsonObject().put("type", "new-ice-candidate").put("target", "metrics-nobody"));
    alice.await("error", TestCluster.TIMEOUT);
    alice.sendText("{not json");
    alice.await("error", TestCluster.TIMEOUT);

    String scrape = Http.get(port, "/metrics").body();
    assertThat(
            Http.sample(
                scrape, "signaling_messages_total{family=\"sdp\",outcome=\"delivered-remote\"}"))
        .isEqualTo(remoteSdpBefore + 1);
    assertThat(
            Http.sample(
                scrape, "signaling_messages_total{family=\"ice\",outcome=\"peer-unavailable\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(Http.sample(scrape, "signaling_messages_rejected_total{reason=\"invalid-json\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(Http.sample(scrape, "signaling_relay_latency_seconds_count{path=\"remote\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(Http.sample(scrape, "signaling_acks_total")).isGreaterThanOrEqualTo(1);
    assertThat(Http.sample(scrape, "signaling_sessions")).isGreaterThanOrEqualTo(1);
    assertThat(Http.sample(scrape, "signaling_cluster_members")).isEqualTo(2);
    assertThat(scrape)
        .contains("vertx_http_server_active_connections")
        .contains("jvm_memory_used_bytes");
    assertThat(scrape)
        .doesNotContain("metrics-alice")
        .doesNotContain("metrics-bob")
        .doesNotContain("metrics-nobody");
  }

  @Test
  void probesAnswerWithTheNodesStateAsJson() {
    int port = cluster.node(1).httpPort();
    // Right after a member joins, partitions migrate and the cluster is briefly not safe: not ready
    // yet.
    Poll.until(
        () -> Http.get(port, "/health/ready").statusCode() == 200,
        Duration.ofSeconds(30),
        "the node is ready");
    HttpResponse<String> live = Http.get(port, "/health/live");
    HttpResponse<String> ready = Http.get(port, "/health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject readiness = new JsonObject(ready.body());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(readiness.getString("node")).isEqualTo(cluster.node(1).nodeId());
    assertThat(readiness.getInteger("clusterMembers")).isEqualTo(2);
    assertThat(readiness.getBoolean("clusterSafe")).isTrue();
    assertThat(readiness.getBoolean("draining")).isFalse();
  }

  @Test
  void loginHandsOutStunAndFreshTurnCredentialsAndARefreshRenewsThem() throws Exception {
    SignalingClient carol = cluster.connect(1);
    Instant before = Instant.now();
    JsonArray servers = await(carol.login("ice-carol")).getJsonArray("iceServers");

    assertThat(servers.getJsonObject(0))
        .isEqualTo(new JsonObject().put("urls", new JsonArray().add("stun:127.0.0.1:3478")));
    JsonObject turn = servers.getJsonObject(1);
    assertThat(turn.getJsonArray("urls")).hasSize(2);
    String username = turn.getString("username");
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    assertThat(username).endsWith(":ice-carol");
    assertThat(expiry)
        .isBetween(before.getEpochSecond() + 600, Instant.now().getEpochSecond() + 600);
    assertThat(turn.getString("credential"))
        .isEqualTo(
            TurnCredentials.issue(SECRET, "ice-carol", Instant.ofEpochSecond(expiry)).credential());

    JsonObject refreshed = await(carol.request(new JsonObject().put("type", "ice-servers")));
    assertThat(refreshed.getString("type")).isEqualTo("ice-servers");
    assertThat(refreshed.getJsonArray("iceServers").getJsonObject(1).getString("username"))
        .endsWith(":ice-carol");
  }

  @Test
  void aManagementPortTakesMetricsAndProbesOffTheClientPort() {
    try (TestCluster separate =
        TestCluster.start(false, 1, Map.of("MANAGEMENT_PORT", Integer.toString(freePort())))) {
      int management = separate.node(0).config().managementPort();
      int client = separate.node(0).httpPort();
      Poll.until(
          () -> Http.get(management, "/health/ready").statusCode() == 200,
          Duration.ofSeconds(10),
          "the management port answers");

      assertThat(Http.get(management, "/metrics").body()).contains("signaling_sessions");
      assertThat(Http.get(client, "/metrics").statusCode()).isEqualTo(404);
      assertThat(Http.get(client, "/health/ready").statusCode()).isEqualTo(404);
    }
  }

  private static double sample(int port, String series) {
    double value = Http.sample(Http.get(port, "/metrics").body(), series);
    return Double.isNaN(value) ? 0 : value;
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
