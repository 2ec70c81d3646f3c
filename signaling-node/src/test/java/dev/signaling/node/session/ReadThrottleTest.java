package dev.signaling.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client over its message budget is read more slowly, not refused: a burst far beyond the budget
 * is processed no faster than the budget allows, every message of it still arrives, in order, and
 * no message is answered with {@code rate-limited}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadThrottleTest {
  private static final int RATE = 4000;
  private static final int BURST = 1000;
  private static final int FLOOD = 20_000;

  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster =
        TestCluster.start(
            false,
            1,
            Map.of(
                "RATE_LIMIT_PER_SECOND", Integer.toString(RATE),
                "RATE_LIMIT_BURST", Integer.toString(BURST)));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void twentyThousandMessagesAtOnceAreReadAtTheRateAndAllRelayedInOrder() throws Exception {
    SignalingClient flooder = cluster.login("throttled-flooder", 0).stopRecording();
    SignalingClient sink = cluster.login("throttled-sink", 0).stopRecording();
    AtomicInteger acks = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    flooder.onMessage(
        frame -> {
          if ("ack".equals(frame.getString("type"))) {
            acks.incrementAndGet();
          } else if ("error".equals(frame.getString("type"))) {
            errors.incrementAndGet();
          }
        });
    AtomicInteger received = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    sink.onMessage(
        frame -> {
          if ("new-ice-candidate".equals(frame.getString("type"))
              && frame.getInteger("n") != received.getAndIncrement()) {
            outOfOrder.incrementAndGet();
          }
        });

    long start = System.nanoTime();
    for (int n = 0; n < FLOOD; n++) {
      flooder.sendText(
          new JsonObject()
              .put("type", "new-ice-candidate")
              .put("target", "throttled-sink")
              .put("id", n)
              .put("n", n)
              .put("candidate", "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host")
              .encode());
    }
    AtomicLong worstExcess = new AtomicLong(Long.MIN_VALUE);
    Poll.until(
        () -> {
          // Acks trail the reads, so the acks counted so far never exceed what the budget let the
          // node read.
          int acked = acks.get();
          double allowed = BURST + RATE * (System.nanoTime() - start) / 1e9;
          worstExcess.accumulateAndGet(Math.round(acked - allowed), Math::max);
          // An error or a close fails the assertions below at once.
          return acks.get() == FLOOD && received.get() == FLOOD
              || errors.get() > 0
              || flooder.isClosed();
        },
        Duration.ofSeconds(60),
        "every message acked and relayed");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(errors.get()).as("errors, rate-limited or other").isZero();
    assertThat(flooder.isClosed()).isFalse();
    assertThat(received.get()).isEqualTo(FLOOD);
    assertThat(worstExcess.get())
        .as("acks beyond burst + rate x elapsed, at worst")
        .isLessThanOrEqualTo(RATE / 50);
    assertThat(took)
        .as("reading %d messages at %d a second after a burst of %d", FLOOD, RATE, BURST)
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000L * (FLOOD - BURST) / RATE));
    assertThat(outOfOrder.get()).as("messages out of order").isZero();
  }
}
