package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
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
import org.junit.jupiter.api.Test;

/**
 * Many senders and targets on the four event loops of one node exchange messages as fast as they
 * can, while some targets log in again and again: every message gets exactly one answer, nothing
 * acked is lost or received twice, each sender's messages reach each target connection in order,
 * and no sender stalls. The node's own guard fails the test if any connection's state is touched
 * off its event loop.
 */
class CrossLoopRelayStressTest {
  private static final int SENDERS = 12;
  private static final int HOPPERS = 4;
  private static final int PER_TARGET = 150;
  private static final int RELOGINS = 5;
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Receipts by message key ("sender:seq"), each listing the connection that received it. */
  private final Map<String, List<Integer>> receipts = new ConcurrentHashMap<>();

  private final AtomicInteger connections = new AtomicInteger();

  /**
   * Order violations seen on receipt: a seq from one sender not above the last one on that
   * connection.
   */
  private final List<String> disorder = new CopyOnWriteArrayList<>();

  @Test
  void everyMessageIsAnsweredOnceAndNothingAckedIsLostDuplicatedOrReordered() throws Exception {
    try (TestCluster cluster = TestCluster.start(false, 1, FourLoopRoutingTest.FOUR_LOOPS)) {
      List<SignalingClient> senders = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        senders.add(receiving(cluster, "sender-" + i));
      }
      for (int i = 0; i < HOPPERS; i++) {
        receiving(cluster, "hopper-" + i);
      }

      List<Future<JsonObject>> answers = new ArrayList<>();
      List<String> sentTo = new ArrayList<>();
      int[] seq = new int[SENDERS];
      Thread relogins = new Thread(() -> hop(cluster));
      relogins.start();
      for (int round = 0; round < PER_TARGET; round++) {
        for (int i = 0; i < SENDERS; i++) {
          for (String target :
              List.of(
                  "sender-" + (i + 1) % SENDERS,
                  "sender-" + (i + 5) % SENDERS,
                  "hopper-" + i % HOPPERS)) {
            JsonObject message =
                new JsonObject().put("type", "stress").put("target", target).put("seq", seq[i]++);
            answers.add(senders.get(i).request(message));
            sentTo.add(target);
          }
        }
      }
      relogins.join(WAIT.toMillis());

      Poll.until(
          () -> answers.stream().allMatch(Future::isComplete), WAIT, "every message is answered");
      int acked = 0;
      for (int m = 0; m < answers.size(); m++) {
        Future<JsonObject> answer = answers.get(m);
        String key = "sender-" + (m / 3) % SENDERS + ":" + (m / (3 * SENDERS) * 3 + m % 3);
        if (answer.succeeded()) {
          acked++;
          assertThat(receipts.get(key)).as("acked %s is received exactly once", key).hasSize(1);
        } else {
          assertThat(answer.cause())
              .isInstanceOf(SignalingException.class)
              .hasMessageContaining("peer-unavailable");
          assertThat(sentTo.get(m))
              .as("only users logging in again are ever unavailable")
              .startsWith("hopper-");
        }
      }
      assertThat(disorder).isEmpty();
      assertThat(receipts.values())
          .allMatch(connectionsOfOneMessage -> connectionsOfOneMessage.size() == 1);
      // Messages among senders, who never leave, are all acked: two thirds of all.
      assertThat(acked).isGreaterThanOrEqualTo(answers.size() * 2 / 3);
    }
  }

  /**
   * Logs {@code name} in and records every relayed frame it receives, checking each sender's order.
   */
  private SignalingClient receiving(TestCluster cluster, String name) {
    int connection = connections.incrementAndGet();
    Map<String, Integer> lastSeq = new ConcurrentHashMap<>();
    SignalingClient client = cluster.connect(0);
    client
        .stopRecording()
        .onMessage(
            frame -> {
              String from = frame.getString("from");
              if (from == null) {
                return;
              }
              int seq = frame.getInteger("seq");
              Integer last = lastSeq.put(from, seq);
              if (last != null && seq <= last) {
                disorder.add(from + " " + last + " then " + seq + " on connection " + connection);
              }
              receipts
                  .computeIfAbsent(from + ":" + seq, key -> new CopyOnWriteArrayList<>())
                  .add(connection);
            });
    TestCluster.await(client.login(name));
    return client;
  }

  /** Each hopper logs out and in again a few times while the messages flow. */
  private void hop(TestCluster cluster) {
    List<SignalingClient> current = new ArrayList<>();
    for (int round = 0; round < RELOGINS; round++) {
      for (int i = 0; i < HOPPERS; i++) {
        // A newer login replaces the older session, which the node closes.
        current.add(receiving(cluster, "hopper-" + i));
      }
    }
  }
}
