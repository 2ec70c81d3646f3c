package dev.signaling.node.transport;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a node in its own JVM: it drains its clients over the window, leaves cleanly and exits
 * 0.
 */
class DrainIT {
  private static final Duration WINDOW = Duration.ofSeconds(4);
  private static final int CLIENTS = 30;

  @Test
  void aTerminatedNodeSendsItsClientsAwayInBatchesAndExitsCleanly() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 1);
        ChildNode node = ChildNode.joining(cluster, "drained", Map.of("DRAIN_SECONDS", "4"))) {
      SignalingClient survivor = cluster.login("survivor", 0);
      List<SignalingClient> clients = new ArrayList<>();
      clients.add(node.login(cluster, "drained-0"));
      for (int i = 1; i < CLIENTS; i++) {
        SignalingClient client =
            await(SignalingClient.connect(cluster.clientVertx(), "127.0.0.1", node.httpPort()));
        await(client.login("drained-" + i));
        clients.add(client);
      }
      Map<SignalingClient, Long> closedAt = new ConcurrentHashMap<>();
      clients.forEach(
          client ->
              client.closeFuture().onComplete(closed -> closedAt.put(client, System.nanoTime())));
      // Ready once the partitions have settled after the node joined.
      Poll.until(
          () -> Http.get(node.httpPort(), "/health/ready").statusCode() == 200,
          Duration.ofSeconds(30),
          "the node is ready");

      long terminated = System.nanoTime();
      node.terminate();

      Poll.until(
          () -> Http.get(node.httpPort(), "/health/ready").statusCode() == 503,
          Duration.ofSeconds(2),
          "readiness turns false at once");
      assertThat(
              new JsonObject(Http.get(node.httpPort(), "/health/ready").body())
                  .getBoolean("draining"))
          .isTrue();
      assertThatThrownBy(
              () ->
                  await(
                      SignalingClient.connect(cluster.clientVertx(), "127.0.0.1", node.httpPort())))
          .hasRootCauseInstanceOf(UpgradeRejectedException.class)
          .rootCause()
          .satisfies(
              rejected ->
                  assertThat(((UpgradeRejectedException) rejected).getStatus()).isEqualTo(503));

      OptionalInt exit = node.awaitExit(WINDOW.plusSeconds(5));
      assertThat(exit).as("the process exits within the window plus 5 s").hasValue(0);
      long exitedMs = Duration.ofNanos(System.nanoTime() - terminated).toMillis();

      for (SignalingClient client : clients) {
        JsonObject goAway = client.await("go-away", Duration.ofSeconds(1));
        assertThat(goAway.getLong("reconnectAfterMs")).isBetween(0L, 1000L);
        assertThat(await(client.closeFuture())).isEqualTo((short) 1001);
      }
      long first = closedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      long last = closedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      long spreadMs = Duration.ofNanos(last - first).toMillis();
      assertThat(spreadMs)
          .as("closes are spread over the window, not all at once")
          .isGreaterThan(WINDOW.toMillis() / 2);
      Measurements.record(
          "drain: "
              + CLIENTS
              + " clients closed with 1001 over "
              + spreadMs
              + " ms (window "
              + WINDOW.toMillis()
              + " ms); process exited 0 after "
              + exitedMs
              + " ms");

      for (int i = 0; i < CLIENTS; i++) {
        assertThat(await(cluster.node(0).presence().lookup("drained-" + i))).isNull();
      }
      assertThat(await(cluster.node(0).presence().lookup("survivor"))).isNotNull();
      assertThat(survivor.isClosed()).isFalse();
    }
  }

  @Test
  void aSecondSigtermEndsTheDrainAtOnce() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 1);
        ChildNode node = ChildNode.joining(cluster, "impatient", Map.of("DRAIN_SECONDS", "60"))) {
      SignalingClient client = node.login(cluster, "waiting");

      node.terminate();
      client.await("go-away", Duration.ofSeconds(5));
      node.terminate();

      OptionalInt exit = node.awaitExit(Duration.ofSeconds(5));
      assertThat(exit).as("exits well before the 60 s window").isPresent();
      assertThat(exit.getAsInt()).isNotZero();
    }
  }
}
