package dev.signaling.node.rooms;

import static dev.signaling.node.support.TestCluster.await;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Room fan-out rate: a 100-member room spread over three clustered nodes, a few members sending
 * room messages with a bounded window of unacknowledged ones, every other member counting what it
 * receives. Nodes and clients share this JVM and the machine's cores, so the figure is a floor for
 * the nodes.
 *
 * <p>Not part of the test suite (no assertion on time); run it with {@code mvn -pl signaling-node
 * -am test -Dtest=RoomFanOutBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RoomFanOutBenchmark {
  private static final int MEMBERS = Integer.getInteger("members", 100);
  private static final int SENDERS = Integer.getInteger("senders", 4);
  private static final int MESSAGES_PER_SENDER = Integer.getInteger("messages", 1000);
  private static final int WINDOW = Integer.getInteger("window", 16);

  @Test
  void measureFanOutRate() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 3, Map.of("MAX_ROOM_MEMBERS", "1000"))) {
      AtomicLong received = new AtomicLong();
      List<SignalingClient> members = new ArrayList<>();
      for (int i = 0; i < MEMBERS; i++) {
        SignalingClient member = cluster.login("member-" + i, i % 3);
        await(member.join("bench"));
        member
            .stopRecording()
            .onMessage(
                frame -> {
                  if ("bench".equals(frame.getString("type"))) {
                    received.incrementAndGet();
                  }
                });
        members.add(member);
      }
      long expected = (long) SENDERS * MESSAGES_PER_SENDER * (MEMBERS - 1);
      String payload = "x".repeat(200);

      long start = System.nanoTime();
      List<Future<Void>> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        senders.add(send(members.get(s), payload));
      }
      senders.forEach(sender -> await(sender));
      Poll.until(
          () -> received.get() >= expected,
          Duration.ofMinutes(5),
          "every member receives every message");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      long perSecond = expected * 1000 / Math.max(1, elapsed.toMillis());
      Measurements.record(
          String.format(
              "room fan-out: %d members over 3 nodes, %d senders x %d messages, window %d:"
                  + " %d deliveries in %d ms = %d deliveries/s (%d room messages/s)",
              MEMBERS,
              SENDERS,
              MESSAGES_PER_SENDER,
              WINDOW,
              expected,
              elapsed.toMillis(),
              perSecond,
              (long) SENDERS * MESSAGES_PER_SENDER * 1000 / Math.max(1, elapsed.toMillis())));
    }
  }

  /** Sends this sender's messages, keeping at most {@link #WINDOW} unacknowledged. */
  private static Future<Void> send(SignalingClient sender, String payload) {
    Promise<Void> done = Promise.promise();
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          long n;
          while ((n = sent.get()) < MESSAGES_PER_SENDER && n - acked.get() < WINDOW) {
            if (!sent.compareAndSet(n, n + 1)) {
              continue;
            }
            sender
                .request(
                    new JsonObject().put("type", "bench").put("room", "bench").put("text", payload))
                .onComplete(
                    ack -> {
                      if (acked.incrementAndGet() == MESSAGES_PER_SENDER) {
                        done.tryComplete();
                      } else {
                        next[0].run();
                      }
                    });
          }
        };
    next[0].run();
    return done.future();
  }
}
