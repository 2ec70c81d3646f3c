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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Five clustered nodes, two users on each; every user writes to every user on another node at once,
 * right after logging in: the first message between each of the 20 ordered pairs of nodes is the
 * first frame that crosses between them. Each is acked (none {@code delivery-failed} while the
 * nodes connect to each other), and arrives once, in order.
 */
class FiveNodeMeshIT {
  private static final int NODES = 5;
  private static final int USERS_PER_NODE = 2;
  private static final int MESSAGES = 5;

  @Test
  void everyPairOfNodesRelaysFromItsFirstFrameOnceAndInOrder() {
    try (TestCluster cluster = TestCluster.start(true, NODES)) {
      List<String> names = new ArrayList<>();
      Map<String, Integer> nodeOf = new ConcurrentHashMap<>();
      Map<String, SignalingClient> clients = new ConcurrentHashMap<>();
      // receiver -> sender -> the seqs received, in arrival order
      Map<String, Map<String, List<Integer>>> received = new ConcurrentHashMap<>();
      for (int node = 0; node < NODES; node++) {
        for (int k = 0; k < USERS_PER_NODE; k++) {
          String name = "mesh-" + node + "-" + k;
          SignalingClient client = cluster.login(name, node).stopRecording();
          Map<String, List<Integer>> bySender = new ConcurrentHashMap<>();
          received.put(name, bySender);
          client.onMessage(
              frame -> {
                if ("note".equals(frame.getString("type"))) {
                  // Read by the test thread: a list safe to read while frames still arrive.
                  bySender
                      .computeIfAbsent(
                          frame.getString("from"), from -> new CopyOnWriteArrayList<>())
                      .add(frame.getInteger("seq"));
                }
              });
          names.add(name);
          nodeOf.put(name, node);
          clients.put(name, client);
        }
      }

      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      List<Long> firstAckMillis = new ArrayList<>();
      List<Long> lastAckMillis = new ArrayList<>();
      List<Future<JsonObject>> answers = new ArrayList<>();
      int crossing = 0;
      for (String sender : names) {
        for (String target : names) {
          if (nodeOf.get(sender).equals(nodeOf.get(target))) {
            continue;
          }
          crossing++;
          for (int seq = 0; seq < MESSAGES; seq++) {
            long sentAt = System.nanoTime();
            List<Long> latencies =
                seq == 0 ? firstAckMillis : seq == MESSAGES - 1 ? lastAckMillis : null;
            Future<JsonObject> answer =
                clients
                    .get(sender)
                    .request(
                        new JsonObject().put("type", "note").put("target", target).put("seq", seq));
            answers.add(
                answer.andThen(
                    done -> {
                      String outcome =
                          done.succeeded()
                              ? "ack"
                              : done.cause() instanceof SignalingException error
                                  ? error.code()
                                  : done.cause().toString();
                      outcomes
                          .computeIfAbsent(outcome, key -> new AtomicInteger())
                          .incrementAndGet();
                      if (latencies != null && done.succeeded()) {
                        synchronized (latencies) {
                          latencies.add((System.nanoTime() - sentAt) / 1_000_000);
                        }
                      }
                    }));
          }
        }
      }
      int expected = crossing * MESSAGES;
      Poll.until(
          () -> answers.stream().allMatch(Future::isComplete),
          Duration.ofSeconds(30),
          () -> "every message answered: " + outcomes);
      assertThat(outcomes)
          .as("answers to %d messages across %d ordered pairs of nodes", expected, NODES * 4)
          .containsOnlyKeys("ack");
      assertThat(outcomes.get("ack").get()).isEqualTo(expected);
      List<Integer> inOrder = IntStream.range(0, MESSAGES).boxed().toList();
      for (String receiver : names) {
        for (String sender : names) {
          if (!nodeOf.get(sender).equals(nodeOf.get(receiver))) {
            assertThat(received.get(receiver).get(sender))
                .as("%s from %s: once each, in order", receiver, sender)
                .isEqualTo(inOrder);
          }
        }
      }
      List<Long> sorted = firstAckMillis.stream().sorted().toList();
      List<Long> lastSorted = lastAckMillis.stream().sorted().toList();
      Measurements.record(
          "five-node mesh: "
              + crossing
              + " sender-target pairs across "
              + NODES * (NODES - 1)
              + " ordered pairs of nodes, all sending at once right after login: "
              + expected
              + " messages acked, received once and in order; first message's ack p50 "
              + sorted.get(sorted.size() / 2)
              + " ms, max "
              + sorted.get(sorted.size() - 1)
              + " ms; last message's ack p50 "
              + lastSorted.get(lastSorted.size() / 2)
              + " ms (all sent in the same burst)");
    }
  }
}
