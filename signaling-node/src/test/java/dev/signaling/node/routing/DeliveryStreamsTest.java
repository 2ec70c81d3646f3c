package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.support.EventLoops;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.RecordingOutbound;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames nobody waits for, streamed from one node's event loop to another node's inbox and
 * confirmed there in batches: the two nodes share one Vert.x here, each with its own inbox, as
 * {@code ClusteredRoutingTest} runs them in a real cluster.
 */
class DeliveryStreamsTest {
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  private static final Duration BATCH = Duration.ofMillis(20);

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final List<Context> loops = EventLoops.distinct(vertx, 2);
  private final Context sender = loops.get(0);
  private final DeliveryStreams streamsOfA = new DeliveryStreams(vertx, "a", TIMEOUT, BATCH);
  private final LocalSessions sessionsOfB = new LocalSessions();
  private final NodeDeliveries fromA =
      new NodeDeliveries(vertx, "a", new LocalSessions(), TIMEOUT, streamsOfA);
  private final RecordingOutbound bobsConnection = new RecordingOutbound();
  private final Session bob =
      new Session("bob", "s1", bobsConnection, OwnerContext.of(loops.get(1)), 1_000_000, "");

  @BeforeEach
  void startInboxes() {
    vertx.eventBus().registerDefaultCodec(Delivery.class, new DeliveryCodec());
    TestCluster.await(
        vertx.deployVerticle(
            new NodeInbox("a", new LocalSessions(), Duration.ofSeconds(3), streamsOfA)));
    TestCluster.await(
        vertx.deployVerticle(
            new NodeInbox(
                "b",
                sessionsOfB,
                Duration.ofSeconds(3),
                new DeliveryStreams(vertx, "b", TIMEOUT, BATCH))));
    TestCluster.await(on(loops.get(1), () -> bob.open("login-ok")));
    sessionsOfB.register(bob);
    streamsOfA.confirmsInBatches("b");
  }

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  @Test
  void framesNobodyWaitsForAreWrittenInOrderAndEachConfirmedWithWhenItWasWritten() {
    long before = System.nanoTime();
    List<StreamedSends.Written> outcomes =
        TestCluster.await(
            on(
                sender,
                () -> {
                  List<Future<StreamedSends.Written>> sent = new ArrayList<>();
                  for (int i = 0; i < 200; i++) {
                    sent.add(fromA.deliverTo("b", "alice", "f" + i, toBob()));
                  }
                  return Future.all(sent).map(all -> all.<StreamedSends.Written>list());
                }));
    long after = System.nanoTime();

    assertThat(streamsOfA.streamedFrames()).isEqualTo(200);
    assertThat(outcomes).extracting(StreamedSends.Written::count).containsOnly(1);
    assertThat(outcomes)
        .extracting(StreamedSends.Written::atNanos)
        .allMatch(at -> at >= before && at <= after);
    List<String> expected = new ArrayList<>(List.of("login-ok"));
    for (int i = 0; i < 200; i++) {
      expected.add("f" + i);
    }
    assertThat(bobsConnection.frames).containsExactlyElementsOf(expected);
  }

  @Test
  void aWriteIsTimedFromWhenItWasWrittenNotFromWhenItsBatchArrived() {
    DeliveryStreams streams = new DeliveryStreams(vertx, "a", Duration.ofSeconds(30), BATCH);
    streams.confirmsInBatches("z");
    NodeDeliveries deliveries =
        new NodeDeliveries(vertx, "a", new LocalSessions(), TIMEOUT, streams);
    AtomicReference<Future<StreamedSends.Written>> sent = new AtomicReference<>();
    TestCluster.await(
        on(
            sender,
            () -> {
              sent.set(deliveries.deliverTo("z", "alice", "f", toBob()));
              return Future.succeededFuture();
            }));

    long before = System.nanoTime();
    // The first frame of the first stream, its confirmation held 300 ms in its batch.
    streams.confirmed(
        new Confirmation("z", 0, new long[] {1}, new int[] {1}, new int[] {300_000}).toBuffer());
    StreamedSends.Written written = TestCluster.await(sent.get());
    long after = System.nanoTime();

    assertThat(written.count()).isEqualTo(1);
    assertThat(written.atNanos()).isBetween(before - 300_000_000L, after - 300_000_000L);
  }

  @Test
  void toANodeThatLeftFramesGoByRequest() {
    streamsOfA.forget("b");

    StreamedSends.Written written =
        TestCluster.await(on(sender, () -> fromA.deliverTo("b", "alice", "f", toBob())));

    assertThat(written.count()).isEqualTo(1);
    assertThat(streamsOfA.streamedFrames()).isZero();
  }

  @Test
  void withoutBatchesFramesGoByRequest() {
    DeliveryStreams noBatches = new DeliveryStreams(vertx, "a", TIMEOUT, Duration.ZERO);
    noBatches.confirmsInBatches("b");
    NodeDeliveries byRequest =
        new NodeDeliveries(vertx, "a", new LocalSessions(), TIMEOUT, noBatches);

    StreamedSends.Written written =
        TestCluster.await(on(sender, () -> byRequest.deliverTo("b", "alice", "f", toBob())));

    assertThat(written.count()).isEqualTo(1);
    assertThat(noBatches.streamedFrames()).isZero();
    assertThat(bobsConnection.frames).containsExactly("login-ok", "f");
  }

  @Test
  void aFrameForASessionGoneOrAwayIsConfirmedAsSuchAtOnce() {
    Session away =
        new Session("carol", "s2", new RecordingOutbound(), OwnerContext.of(loops.get(1)), 100, "");
    sessionsOfB.register(away);
    TestCluster.await(on(loops.get(1), () -> away.open("login-ok")));
    TestCluster.await(
        on(
            loops.get(1),
            () -> {
              away.markAway();
              return Future.succeededFuture();
            }));

    StreamedSends.Written gone =
        TestCluster.await(
            on(
                sender,
                () -> fromA.deliverTo("b", "alice", "f", new Delivery.Recipient("dave", "s3"))));
    StreamedSends.Written held =
        TestCluster.await(
            on(
                sender,
                () -> fromA.deliverTo("b", "alice", "f", new Delivery.Recipient("carol", "s2"))));

    assertThat(gone.count()).isZero();
    assertThat(held.count()).isEqualTo(LocalDelivery.AWAY);
  }

  @Test
  void aFrameNeverConfirmedFailsAsARequestThatGotNoReply() {
    streamsOfA.confirmsInBatches("c");

    assertThatThrownBy(
            () -> TestCluster.await(on(sender, () -> fromA.deliverTo("c", "alice", "f", toBob()))))
        .rootCause()
        .isInstanceOfSatisfying(
            ReplyException.class,
            failure -> assertThat(failure.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
  }

  @Test
  void aFrameToAClientSlowToReadHoldsUpNoOtherFramesConfirmation() {
    RecordingOutbound slowConnection = new RecordingOutbound();
    Session slow =
        new Session("erin", "s4", slowConnection, OwnerContext.of(loops.get(1)), 1_000_000, "");
    TestCluster.await(on(loops.get(1), () -> slow.open("login-ok")));
    slowConnection.clientReads = false;
    sessionsOfB.register(slow);

    StreamedSends.Written toBob =
        TestCluster.await(
            on(
                sender,
                () -> {
                  fromA.deliverTo("b", "alice", "f", new Delivery.Recipient("erin", "s4"));
                  return fromA.deliverTo("b", "alice", "g", toBob());
                }));

    assertThat(toBob.count()).isEqualTo(1);
  }

  @Test
  void eachFrameIsConfirmedByItsNumberInWhateverOrderItsOutcomeIsKnown() {
    List<Confirmation> batches = confirmationsTo("x");
    StreamConfirmer confirmer = new StreamConfirmer(vertx, "b", 20);

    TestCluster.await(
        on(
            loops.get(1),
            () -> {
              confirmer.settle(new Delivery.Streamed("x", 7, 3), 1);
              confirmer.settle(new Delivery.Streamed("x", 7, 1), 1);
              confirmer.settle(new Delivery.Streamed("x", 7, 2), LocalDelivery.AWAY);
              return Future.succeededFuture();
            }));

    assertThat(outcomes(batches, 3))
        .containsExactly(Map.entry(1L, 1), Map.entry(2L, LocalDelivery.AWAY), Map.entry(3L, 1));
  }

  @Test
  void aFrameThatArrivesAfterItsSenderStoppedWaitingIsNotWrittenAndConfirmedLate() {
    List<Confirmation> batches = confirmationsTo("x");

    vertx
        .eventBus()
        .send(
            NodeAddresses.deliver("b"),
            new Delivery(
                "alice",
                "too late",
                List.of(toBob()),
                System.currentTimeMillis() - 10_000,
                new Delivery.Streamed("x", 0, 41)));

    assertThat(outcomes(batches, 1)).containsExactly(Map.entry(41L, StreamConfirmer.LATE));
    assertThat(bobsConnection.frames).containsExactly("login-ok");
  }

  private List<Confirmation> confirmationsTo(String node) {
    List<Confirmation> batches = new CopyOnWriteArrayList<>();
    TestCluster.await(
        vertx
            .eventBus()
            .<Buffer>consumer(
                NodeAddresses.confirm(node), batch -> batches.add(Confirmation.from(batch.body())))
            .completion());
    return batches;
  }

  /** The outcomes confirmed in {@code batches}, by frame, once there are {@code count} of them. */
  private static Map<Long, Integer> outcomes(List<Confirmation> batches, int count) {
    Map<Long, Integer> outcomes = new TreeMap<>();
    Poll.until(
        () -> {
          outcomes.clear();
          for (Confirmation batch : batches) {
            assertThat(batch.node()).isEqualTo("b");
            for (int i = 0; i < batch.size(); i++) {
              outcomes.put(batch.seqs()[i], batch.outcomes()[i]);
            }
          }
          return outcomes.size() >= count;
        },
        Duration.ofSeconds(10),
        count + " outcomes confirmed");
    return outcomes;
  }

  private Delivery.Recipient toBob() {
    return new Delivery.Recipient("bob", "s1");
  }

  private static <T> Future<T> on(Context context, Supplier<Future<T>> step) {
    Promise<T> done = Promise.promise();
    context.runOnContext(ignored -> step.get().onComplete(done));
    return done.future();
  }
}
