package dev.signaling.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.RawWebSocket;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A flood costs only the flooder. An honest pair plays ping-pong through one node, before and
 * during a 20,000-message flood from a third connection to the same node and event loop, with the
 * default limits. The flooder writes its frames as raw bytes in one go, as a flooding program
 * would, so that the figures show what the flood costs the node rather than what a polite client
 * spends sending it. The pair's round trips go to {@code target/measurements.txt} (reported in
 * docs/reliability.md). Only what does not depend on the machine's speed is asserted: every honest
 * message arrives and is acked, and the node reads the flood no faster than the flooder's budget,
 * refuses none of it and cuts the flooder off.
 */
class FloodIsolationIT {
  private static final int FLOOD = 20_000;
  private static final int RATE = 50;
  private static final int BURST = 200;
  private static final Duration WARM_UP = Duration.ofSeconds(2);
  private static final Duration PHASE = Duration.ofSeconds(6);

  /** 40 pings a second each way: within the honest pair's own budget of 50. */
  private static final long PING_EVERY_MS = 25;

  @Test
  void anHonestPairKeepsItsRoundTripsWhileAnotherConnectionFloods() throws Exception {
    Vertx floodVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try (TestCluster cluster =
        TestCluster.start(
            false,
            1,
            Map.of(
                "RATE_LIMIT_PER_SECOND", Integer.toString(RATE),
                "RATE_LIMIT_BURST", Integer.toString(BURST),
                // One event loop for every connection: the flood and the honest pair share it.
                "VERTICLE_INSTANCES", "1"))) {
      PingPong pair =
          new PingPong(
              cluster.clientVertx(),
              cluster.login("honest-alice", 0),
              cluster.login("honest-bob", 0));
      cluster.login("flood-sink", 0).stopRecording();
      RawWebSocket flooder =
          TestCluster.await(
              RawWebSocket.connect(
                  floodVertx,
                  "127.0.0.1",
                  cluster.node(0).httpPort(),
                  HttpVerticle.WEBSOCKET_PATH));
      Promise<Void> loggedIn = Promise.promise();
      AtomicInteger answered = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      flooder.onText(
          text -> {
            String type = new JsonObject(text).getString("type");
            if ("login-ok".equals(type)) {
              loggedIn.tryComplete();
            } else if ("ack".equals(type)) {
              answered.incrementAndGet();
            } else if ("error".equals(type)) {
              answered.incrementAndGet();
              refused.incrementAndGet();
            }
          });
      flooder.writeTexts(
          List.of(new JsonObject().put("type", "login").put("name", "flooder").encode()));
      TestCluster.await(loggedIn.future());

      List<String> flood =
          IntStream.range(0, FLOOD)
              .mapToObj(
                  n ->
                      new JsonObject()
                          .put("type", "new-ice-candidate")
                          .put("target", "flood-sink")
                          .put("id", n)
                          .put("candidate", "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host")
                          .encode())
              .toList();

      pair.play(WARM_UP);
      RoundTrips before = pair.play(PHASE);
      long floodStart = System.nanoTime();
      AtomicLong closedAt = new AtomicLong();
      flooder.closeFuture().onComplete(closed -> closedAt.set(System.nanoTime()));
      // All at once, as one write, while the pair plays on.
      flooder.writeTexts(flood);
      RoundTrips during = pair.play(PHASE);
      double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
      int answeredDuringPhase = answered.get();
      int refusedDuringPhase = refused.get();
      Short closeCode = flooder.closeFuture().await(30, TimeUnit.SECONDS);
      double closedAfter = (closedAt.get() - floodStart) / 1e9;

      Measurements.record(
          String.format(
              Locale.ROOT,
              "flood isolation: honest round trip before p50 %.2f ms p99 %.2f"
                  + " ms (%d); during a %d-message flood p50 %.2f ms p99 %.2f ms (%d); during/before p50 %.2f p99 %.2f;"
                  + " flooder answered %d (%d refused) in %.1f s, closed %s after %.1f s",
              before.percentileMs(50),
              before.percentileMs(99),
              before.count(),
              FLOOD,
              during.percentileMs(50),
              during.percentileMs(99),
              during.count(),
              during.percentileMs(50) / before.percentileMs(50),
              during.percentileMs(99) / before.percentileMs(99),
              answeredDuringPhase,
              refusedDuringPhase,
              floodSeconds,
              closeCode,
              closedAfter));

      assertThat(answeredDuringPhase)
          .as("flood messages the node read while the pair played")
          .isLessThanOrEqualTo((int) (BURST + RATE * floodSeconds) + 2);
      assertThat(refusedDuringPhase).as("flood messages refused instead of held back").isZero();
      assertThat(closeCode).as("the flooder is cut off").isEqualTo((short) 1008);
    } finally {
      floodVertx.close();
    }
  }

  /** Alice pings Bob, Bob answers each ping with a pong; both with ids, so both get acks. */
  private static final class PingPong {
    private final Vertx vertx;
    private final SignalingClient alice;
    private final SignalingClient bob;
    private final AtomicInteger acks = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile RoundTrips current;

    PingPong(Vertx vertx, SignalingClient alice, SignalingClient bob) {
      this.vertx = vertx;
      this.alice = alice.stopRecording();
      this.bob = bob.stopRecording();
      bob.onMessage(
          frame -> {
            if ("probe".equals(frame.getString("type"))) {
              expect(
                  bob.request(
                      new JsonObject()
                          .put("type", "probe-reply")
                          .put("target", alice.name())
                          .put("n", frame.getInteger("n"))));
            }
          });
      alice.onMessage(
          frame -> {
            if ("probe-reply".equals(frame.getString("type"))) {
              current.answered(frame.getInteger("n"), System.nanoTime());
            }
          });
    }

    /** Pings every {@link #PING_EVERY_MS} for {@code phase}, then waits for every pong and ack. */
    RoundTrips play(Duration phase) {
      int pings = (int) (phase.toMillis() / PING_EVERY_MS);
      RoundTrips trips = new RoundTrips(pings);
      current = trips;
      acks.set(0);
      AtomicInteger sent = new AtomicInteger();
      vertx.setPeriodic(
          PING_EVERY_MS,
          timer -> {
            int n = sent.getAndIncrement();
            if (n >= pings) {
              vertx.cancelTimer(timer);
              return;
            }
            trips.sent(n, System.nanoTime());
            expect(
                alice.request(
                    new JsonObject().put("type", "probe").put("target", bob.name()).put("n", n)));
          });
      Poll.until(
          () -> trips.count() == pings && acks.get() == 2 * pings,
          phase.plusSeconds(30),
          "every ping and pong delivered and acked");
      assertThat(failures.get()).as("honest messages refused").isZero();
      return trips;
    }

    private void expect(Future<JsonObject> ack) {
      ack.onComplete(ok -> acks.incrementAndGet(), failed -> failures.incrementAndGet());
    }
  }

  /** Round-trip times of one phase, by ping number. */
  private static final class RoundTrips {
    private final long[] sentAt;
    private final long[] tookNanos;
    private final AtomicInteger answered = new AtomicInteger();

    RoundTrips(int pings) {
      sentAt = new long[pings];
      tookNanos = new long[pings];
    }

    synchronized void sent(int n, long now) {
      sentAt[n] = now;
    }

    synchronized void answered(int n, long now) {
      tookNanos[n] = now - sentAt[n];
      answered.incrementAndGet();
    }

    int count() {
      return answered.get();
    }

    synchronized double percentileMs(int percentile) {
      long[] sorted = tookNanos.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, rank)] / 1e6;
    }
  }
}
