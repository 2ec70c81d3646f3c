package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.signaling.client.SignalingClient;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A member that holds part of the presence map freezes (SIGSTOP: its sockets stay open, it answers
 * nothing) and is not yet declared dead. Lookups of names it holds hang; they must cost only the
 * frames to those names, which end in server-unavailable after the delivery timeout, while the same
 * sender's messages to users on live nodes keep flowing.
 */
class FrozenPresenceOwnerIT {
  private static final int DELIVERY_TIMEOUT_MS = 1500;

  /** Long enough that the frozen member stays a member for the whole test. */
  private static final Map<String, String> SETTINGS =
      Map.of(
          "DELIVERY_TIMEOUT_MS",
          Integer.toString(DELIVERY_TIMEOUT_MS),
          "CLUSTER_MAX_NO_HEARTBEAT_SECONDS",
          "60");

  private static final int TO_BOB = 40;

  @Test
  void framesToNamesTheFrozenMemberHoldsFailInTimeAndHoldUpNothingElse() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 2, SETTINGS);
        ChildNode frozen = ChildNode.joining(cluster, "frozen-owner", SETTINGS)) {
      frozen.login(cluster, "carol");
      SignalingClient alice = cluster.login("alice", 0);
      SignalingClient bob = cluster.login("bob", 1);
      TestCluster.await(alice.request(note("bob", "hello")));
      assertThat(bob.await("note", TestCluster.TIMEOUT).getString("text")).isEqualTo("hello");
      List<String> ghosts = namesHeldByTheChild(cluster, 2);

      List<String> answers = new CopyOnWriteArrayList<>();
      Map<String, Long> answeredAt = new ConcurrentHashMap<>();
      alice.onMessage(
          frame -> {
            if (frame.containsKey("ref") || "ack".equals(frame.getString("type"))) {
              String id = String.valueOf(frame.getValue(frame.containsKey("ref") ? "ref" : "id"));
              answers.add(id + " " + frame.getString("code", "ack"));
              answeredAt.put(id, System.nanoTime());
            }
          });
      frozen.freeze();
      try {
        long sent = System.nanoTime();
        List<JsonObject> burst = new ArrayList<>();
        burst.add(note(ghosts.get(0), "g0").put("id", "g0"));
        for (int i = 0; i < TO_BOB; i++) {
          if (i == TO_BOB / 2) {
            burst.add(note(ghosts.get(1), "g1").put("id", "g1"));
          }
          burst.add(note("bob", "b" + i).put("id", "b" + i));
        }
        burst.forEach(alice::send);

        Poll.until(
            () -> answers.size() == TO_BOB + 2,
            Duration.ofSeconds(30),
            "every message is answered");
        assertThat(answers).contains("g0 server-unavailable", "g1 server-unavailable");
        // Bob's messages, sent behind g0 and around g1, were answered before either lookup gave up.
        List<String> toBob = answers.stream().filter(answer -> answer.startsWith("b")).toList();
        assertThat(toBob).hasSize(TO_BOB).allMatch(answer -> answer.endsWith(" ack"));
        assertThat(answers.subList(0, TO_BOB)).containsExactlyElementsOf(toBob);
        for (int i = 0; i < TO_BOB; i++) {
          assertThat(bob.await("note", TestCluster.TIMEOUT).getString("text")).isEqualTo("b" + i);
        }
        long lastToBob =
            toBob.stream()
                .mapToLong(answer -> answeredAt.get(answer.split(" ")[0]))
                .max()
                .orElseThrow();
        Measurements.record(
            "frozen presence owner: "
                + TO_BOB
                + " messages to a live user acked within "
                + Duration.ofNanos(lastToBob - sent).toMillis()
                + " ms; lookups of names the frozen member holds"
                + " answered server-unavailable after "
                + Duration.ofNanos(answeredAt.get("g0") - sent).toMillis()
                + " and "
                + Duration.ofNanos(answeredAt.get("g1") - sent).toMillis()
                + " ms (DELIVERY_TIMEOUT_MS="
                + DELIVERY_TIMEOUT_MS
                + ")");
      } finally {
        frozen.thaw();
      }
    }
  }

  /** Names never logged in whose presence entry the child node's member would hold. */
  private static List<String> namesHeldByTheChild(TestCluster cluster, int count) {
    HazelcastInstance local = hazelcast(cluster.node(0));
    // Partitions move to a member that joined for a while after it joined: wait until they are in
    // place.
    Poll.until(
        () ->
            local.getCluster().getMembers().size() == 3
                && local.getPartitionService().isClusterSafe(),
        Duration.ofSeconds(60),
        "all partitions in place on three members");
    Set<Member> inThisJvm =
        Set.of(
            local.getCluster().getLocalMember(),
            hazelcast(cluster.node(1)).getCluster().getLocalMember());
    List<String> names = new ArrayList<>();
    for (int i = 0; names.size() < count; i++) {
      String name = "ghost-" + i;
      if (!inThisJvm.contains(local.getPartitionService().getPartition(name).getOwner())) {
        names.add(name);
      }
    }
    return names;
  }

  private static HazelcastInstance hazelcast(SignalingNode node) {
    return ((HazelcastClusterManager) ((VertxInternal) node.vertx()).clusterManager())
        .getHazelcastInstance();
  }

  private static JsonObject note(String target, String text) {
    return new JsonObject().put("type", "note").put("target", target).put("text", text);
  }
}
