package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node that leaves cleanly takes its users offline for everyone else, and the rest carry on. */
class NodeDepartureTest {
  static final Duration BOUND = Duration.ofSeconds(15);

  @Test
  void usersOfANodeClosedCleanlyBecomeUnavailableAndTheOthersCarryOn() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 3)) {
      SignalingClient alice = cluster.login("alice", 0);
      SignalingClient carol = cluster.login("carol", 1);
      SignalingClient bob = cluster.login("bob", 2);
      TestCluster.await(alice.request(message("bob")));

      long start = System.nanoTime();
      cluster.closeNode(2);
      Duration waited =
          Poll.until(() -> isPeerUnavailable(alice, "bob"), BOUND, "bob becomes peer-unavailable");
      Measurements.record(
          "clean close: users peer-unavailable after "
              + waited.toMillis()
              + " ms (close took "
              + Duration.ofNanos(System.nanoTime() - start).minus(waited).toMillis()
              + " ms)");

      assertThat(TestCluster.await(bob.closeFuture())).isNotNull();
      assertThat(TestCluster.await(cluster.node(0).presence().lookup("bob"))).isNull();
      TestCluster.await(alice.request(message("carol")));
      assertThat(carol.await("note", TestCluster.TIMEOUT).getString("from")).isEqualTo("alice");
    }
  }

  static JsonObject message(String target) {
    return new JsonObject().put("type", "note").put("target", target);
  }

  /** Sends a request to {@code target}; true when it is refused as peer-unavailable. */
  static boolean isPeerUnavailable(SignalingClient sender, String target) {
    Future<JsonObject> answer = sender.request(message(target));
    try {
      TestCluster.await(answer);
      return false;
    } catch (AssertionError refused) {
      return answer.cause() instanceof SignalingException error
          && "peer-unavailable".equals(error.code());
    }
  }
}
