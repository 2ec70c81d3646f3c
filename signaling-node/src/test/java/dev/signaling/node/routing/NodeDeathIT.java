package dev.signaling.node.routing;

import static dev.signaling.node.routing.NodeDepartureTest.BOUND;
import static dev.signaling.node.routing.NodeDepartureTest.isPeerUnavailable;
import static dev.signaling.node.routing.NodeDepartureTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A node in its own JVM dies without warning; the survivors stop routing to it within the
 * documented bound. Runs against the packaged jar.
 */
class NodeDeathIT {

  @Test
  void usersOfAKilledNodeBecomeUnavailableWithinTheBound() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 1);
        ChildNode victim = ChildNode.joining(cluster, "killed")) {
      SignalingClient alice = cluster.login("alice", 0);
      SignalingClient bob = victim.login(cluster, "bob");
      TestCluster.await(alice.request(message("bob")));
      assertThat(bob.await("note", TestCluster.TIMEOUT).getString("from")).isEqualTo("alice");

      victim.kill();
      Duration reaped =
          Poll.until(
              () -> TestCluster.await(cluster.node(0).presence().lookup("bob")) == null,
              BOUND,
              "bob's presence entry is reaped");
      Measurements.record(
          "kill -9: presence entries reaped " + reaped.toMillis() + " ms after the kill");

      assertThat(isPeerUnavailable(alice, "bob")).isTrue();
      assertThat(TestCluster.await(cluster.node(0).presence().size())).isEqualTo(1);
      JsonObject left = alice.await("peer-left", TestCluster.TIMEOUT);
      assertThat(left.getString("name")).isEqualTo("bob");
      assertThat(left.getString("reason")).isEqualTo("node-failure");
    }
  }

  @Test
  void aFrozenNodeIsDeclaredDeadThenRejoinsAndSendsItsClientsToLogInAgain() throws Exception {
    // SIGSTOP keeps the node's sockets open: only missing heartbeats tell the cluster, as when a
    // host vanishes from the network.
    try (TestCluster cluster = TestCluster.start(true, 1);
        ChildNode victim = ChildNode.joining(cluster, "frozen")) {
      SignalingClient alice = cluster.login("alice", 0);
      SignalingClient bob = victim.login(cluster, "bob");
      TestCluster.await(alice.request(message("bob")));

      victim.freeze();
      Duration reaped =
          Poll.until(
              () -> TestCluster.await(cluster.node(0).presence().lookup("bob")) == null,
              BOUND,
              "bob's presence entry is reaped");
      Measurements.record(
          "SIGSTOP: presence entries reaped " + reaped.toMillis() + " ms after the freeze");

      assertThat(isPeerUnavailable(alice, "bob")).isTrue();
      long thawed = System.nanoTime();
      victim.thaw();

      // Back, the node finds it was cut off; its side's presence is discarded in the merge, so it
      // sends its clients away instead of keeping sessions nobody can reach.
      assertThat(bob.await("go-away", Duration.ofSeconds(60))).isNotNull();
      TestCluster.await(bob.closeFuture());
      Measurements.record(
          "SIGSTOP: after the thaw, the node rejoined and sent its clients away after "
              + Duration.ofNanos(System.nanoTime() - thawed).toMillis()
              + " ms");
      SignalingClient bobAgain = victim.login(cluster, "bob");
      Poll.until(() -> !isPeerUnavailable(alice, "bob"), BOUND, "bob is reachable again");
      assertThat(bobAgain.await("note", TestCluster.TIMEOUT).getString("from")).isEqualTo("alice");
    }
  }
}
