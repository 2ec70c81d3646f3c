package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deliveries between two nodes' routing parts on one event bus: confirmed in stream once the link
 * says the target does so, by reply to a node that does not, and failed by the sweep when nobody
 * answers.
 */
class DeliveryConfirmationsTest {
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  private static final List<Delivery.Recipient> BOB =
      List.of(new Delivery.Recipient("bob", "no-such-session"));

  private final Vertx vertx = Vertx.vertx();
  private DeliveryConfirmations confirmations;
  private NodeDeliveries deliveries;

  @BeforeEach
  void startSenderNode() {
    vertx.eventBus().registerDefaultCodec(Delivery.class, new DeliveryCodec());
    vertx.eventBus().registerDefaultCodec(Confirmations.class, new ConfirmationsCodec());
    confirmations = new DeliveryConfirmations(vertx, "node-a", TIMEOUT);
    TestCluster.await(confirmations.start());
    deliveries = new NodeDeliveries(vertx, "node-a", new LocalSessions(), confirmations, TIMEOUT);
  }

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  @Test
  void aNodeWhoseLinkSaysItConfirmsInStreamAnswersEveryDeliveryThere() {
    TestCluster.await(
        vertx.deployVerticle(new NodeInbox("node-b", new LocalSessions(), Duration.ofSeconds(3))));
    new NodeLinks(vertx, "node-a", node -> true, confirmations).link("node-b");
    Poll.until(
        () -> confirmations.streamsTo("node-b"), TestCluster.TIMEOUT, "node-b's link is open");

    Context sender = vertx.getOrCreateContext();
    Promise<List<Object>> outcomes = Promise.promise();
    sender.runOnContext(
        now -> {
          List<Future<Integer>> sent =
              List.of(
                  deliveries.deliver("node-b", "alice", "{}", BOB),
                  deliveries.deliver("node-b", "alice", "{}", BOB),
                  deliveries.deliver("node-b", "alice", "{}", BOB));
          Future.all(sent)
              .onComplete(
                  all ->
                      outcomes.complete(
                          List.of(all.result().list(), Vertx.currentContext() == sender)));
        });

    List<Object> result = TestCluster.await(outcomes.future());
    // Written to nobody: the session is not there, which the sender hears as 0.
    assertThat(result.get(0)).isEqualTo(List.of(0, 0, 0));
    assertThat(result.get(1)).as("the outcome handed back to the sender's context").isEqualTo(true);
    assertThat(confirmations.awaiting()).isZero();
  }

  @Test
  void aNodeThatAnswersLinksTheOldWayIsAnsweredByReply() {
    AtomicInteger asked = new AtomicInteger();
    vertx
        .eventBus()
        .<Delivery>consumer(
            NodeAddresses.deliver("node-old"),
            message -> {
              asked.incrementAndGet();
              // The version before the confirmation stream: how many were written, 0 for a link.
              message.reply(message.body().recipients().size());
            });
    new NodeLinks(vertx, "node-a", node -> true, confirmations).link("node-old");
    Poll.until(() -> asked.get() == 1, TestCluster.TIMEOUT, "node-old is asked for its link");

    Integer written =
        TestCluster.await(onContext(() -> deliveries.deliver("node-old", "alice", "{}", BOB)));

    assertThat(written).isEqualTo(1);
    assertThat(confirmations.streamsTo("node-old")).isFalse();
  }

  @Test
  void aDeliveryNobodyConfirmsFailsAsTimedOutOnceTheDeliveryTimeoutHasPassed() {
    confirmations.linked("node-silent");

    long started = System.nanoTime();
    Future<Integer> outcome =
        onContext(() -> deliveries.deliver("node-silent", "alice", "{}", BOB));
    Throwable failure = TestCluster.await(outcome.transform(Future::succeededFuture)).cause();

    assertThat(failure)
        .isInstanceOfSatisfying(
            ReplyException.class,
            reply -> assertThat(reply.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TIMEOUT);
    assertThat(confirmations.awaiting()).isZero();
  }

  @Test
  void aNodeWhoseInboxStopsIsAskedByRequestAgainAndFailsAtOnceWithNoHandlers() {
    String inbox =
        TestCluster.await(
            vertx.deployVerticle(
                new NodeInbox("node-b", new LocalSessions(), Duration.ofSeconds(3))));
    new NodeLinks(vertx, "node-a", node -> true, confirmations).link("node-b");
    Poll.until(
        () -> confirmations.streamsTo("node-b"), TestCluster.TIMEOUT, "node-b's link is open");

    TestCluster.await(vertx.undeploy(inbox));
    Poll.until(
        () -> !confirmations.streamsTo("node-b"),
        TestCluster.TIMEOUT,
        "node-b's stopping inbox has unlinked it");
    Throwable failure =
        TestCluster.await(
                onContext(() -> deliveries.deliver("node-b", "alice", "{}", BOB))
                    .transform(Future::succeededFuture))
            .cause();

    assertThat(failure)
        .isInstanceOfSatisfying(
            ReplyException.class,
            reply -> assertThat(reply.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }

  @Test
  void aNodeThatLeftIsAskedByRequestAgainAndFailsAtOnceWithNoHandlers() {
    confirmations.linked("node-gone");
    confirmations.left("node-gone");

    Throwable failure =
        TestCluster.await(
                onContext(() -> deliveries.deliver("node-gone", "alice", "{}", BOB))
                    .transform(Future::succeededFuture))
            .cause();

    assertThat(failure)
        .isInstanceOfSatisfying(
            ReplyException.class,
            reply -> assertThat(reply.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(now -> action.get().onComplete(done));
    return done.future();
  }
}
