package dev.signaling.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the node that holds bob, in the middle of a conversation, with three nodes:
 * alice keeps sending; bob resumes on another node; every message reaches bob once, in order, and
 * alice gets an ack for each.
 */
class ResumeAfterNodeDeathIT {
  private static final Map<String, String> RESUMING = Map.of("RESUME_SECONDS", "30");
  private static final int BEFORE = 20;
  private static final int AFTER = 20;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void bobResumesElsewhereAndAliceLosesNothing() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 2, RESUMING);
        ChildNode bobsNode = ChildNode.joining(cluster, "bobs-node", RESUMING)) {
      SignalingClient alice = cluster.login("alice", 0);
      SignalingClient bob = bobsNode.login(cluster, "bob");
      String token = bob.resumeToken();
      List<Integer> received = new CopyOnWriteArrayList<>();
      bob.onMessage(frame -> record(frame, received));
      Sender sender = new Sender(alice);
      sender.start();

      sender.permits.release(BEFORE);
      Poll.until(() -> sender.acked.get() == BEFORE, WAIT, "the first messages are acked");
      long killed = System.nanoTime();
      bobsNode.kill();
      sender.permits.release(AFTER);
      SignalingClient resumed = cluster.connect(1);
      resumed.onMessage(frame -> record(frame, received));
      JsonObject ok = TestCluster.await(resumed.resume("bob", token));

      assertThat(ok.getBoolean("resumed")).isTrue();
      Poll.until(() -> sender.acked.get() == BEFORE + AFTER, WAIT, "every message is acked");
      Duration sinceKill = Duration.ofNanos(System.nanoTime() - killed);
      Poll.until(() -> received.size() >= BEFORE + AFTER, WAIT, "bob has every message");
      sender.join(TimeUnit.SECONDS.toMillis(10));
      List<Integer> expected = new ArrayList<>();
      for (int n = 0; n < BEFORE + AFTER; n++) {
        expected.add(n);
      }
      assertThat(received).containsExactlyElementsOf(expected);
      assertThat(sender.errors).isEmpty();
      Measurements.record(
          "resume after kill -9: "
              + AFTER
              + " messages sent to bob after his node was killed, all acked once he resumed on"
              + " another node, the last "
              + sinceKill.toMillis()
              + " ms after the kill; received once each, in order");
    }
  }

  private static void record(JsonObject frame, List<Integer> received) {
    if ("note".equals(frame.getString("type"))) {
      received.add(frame.getInteger("n"));
    }
  }

  /** alice sends one message at a time, each when the test allows it and the last is answered. */
  private static final class Sender extends Thread {
    final Semaphore permits = new Semaphore(0);
    final AtomicInteger acked = new AtomicInteger();
    final List<String> errors = new CopyOnWriteArrayList<>();
    private final SignalingClient alice;

    Sender(SignalingClient alice) {
      super("alice-sender");
      this.alice = alice;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        for (int n = 0; n < BEFORE + AFTER; n++) {
          permits.acquire();
          JsonObject message =
              new JsonObject().put("type", "note").put("target", "bob").put("n", n);
          try {
            alice.request(message).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            acked.incrementAndGet();
          } catch (Exception failed) {
            errors.add(n + ": " + failed);
          }
        }
      } catch (InterruptedException stop) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
