package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order rules of one sender's queue, with lookups and deliveries the test completes itself, on
 * the sender's event loop as in the node.
 */
class RelayQueueTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  private final List<String> handedOn = new ArrayList<>();
  private final List<Promise<Void>> deliveries = new ArrayList<>();
  private final Map<String, Promise<PresenceEntry>> lookups = new HashMap<>();
  private RelayQueue queue;

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  /** Runs {@code step} on the sender's event loop and waits for it. */
  private <T> T onLoop(Supplier<T> step) {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.runOnContext(
        ignored -> {
          try {
            if (queue == null) {
              queue = new RelayQueue(OwnerContext.ofCaller());
            }
            done.complete(step.get());
          } catch (Throwable failed) {
            done.completeExceptionally(failed);
          }
        });
    return done.orTimeout(10, TimeUnit.SECONDS).join();
  }

  private void onLoop(Runnable step) {
    onLoop(
        () -> {
          step.run();
          return null;
        });
  }

  private static PresenceEntry at(String node) {
    return new PresenceEntry(node, "s");
  }

  /** A frame to a user whose lookup answers at once with {@code node}. */
  private Future<Void> toUser(String frame, String user, String node) {
    return queue.toUser(user, () -> Future.succeededFuture(at(node)), deliver(frame));
  }

  /** A frame to a user whose lookup answers only when the test says so (see {@link #answer}). */
  private Future<Void> toUserLookedUpLater(String frame, String user) {
    return queue.toUser(
        user,
        () -> lookups.computeIfAbsent(user, ignored -> Promise.promise()).future(),
        deliver(frame));
  }

  private void answer(String user, String node) {
    lookups.remove(user).complete(at(node));
  }

  private Future<Void> toRoom(String frame, String room, String... members) {
    Map<String, PresenceEntry> byName = new LinkedHashMap<>();
    for (String member : members) {
      byName.put(member, at("node-" + member));
    }
    return queue.toRoom(room, () -> Future.succeededFuture(byName), deliver(frame));
  }

  private <A> Function<A, Future<Void>> deliver(String frame) {
    return answer -> {
      String where = answer instanceof PresenceEntry entry ? entry.node() : "room";
      handedOn.add(frame + "@" + where);
      Promise<Void> delivered = Promise.promise();
      deliveries.add(delivered);
      return delivered.future();
    };
  }

  @Test
  void framesToTheSamePlaceGoOnWithoutWaitingForEachOther() {
    onLoop(
        () -> {
          toUser("1", "bob", "node-b");
          toUser("2", "bob", "node-b");
          toUser("3", "carol", "node-c");
        });

    assertThat(handedOn).containsExactly("1@node-b", "2@node-b", "3@node-c");
  }

  @Test
  void aFrameForWhereTheUserIsNowWaitsForTheFramesStillOnTheirWayToWhereItWas() {
    onLoop(
        () -> {
          toUser("1", "bob", "node-b");
          toUser("2", "bob", "node-b");
          toUser("3", "bob", "node-c");
          toUser("4", "carol", "node-c");
        });

    // 1 and 2 may yet be delivered again at node-c: 3 must not get there first. Carol is not held
    // up.
    assertThat(handedOn).containsExactly("1@node-b", "2@node-b", "4@node-c");
    onLoop(() -> deliveries.get(0).complete());
    assertThat(handedOn).containsExactly("1@node-b", "2@node-b", "4@node-c");
    onLoop(() -> deliveries.get(1).fail("gone"));
    assertThat(handedOn).containsExactly("1@node-b", "2@node-b", "4@node-c", "3@node-c");
  }

  @Test
  void aLookupThatHangsHoldsUpOnlyFramesForItsOwnDestination() {
    List<Future<Void>> toCarol = new ArrayList<>();
    onLoop(
        () -> {
          toCarol.add(toUserLookedUpLater("1", "carol"));
          toUser("2", "bob", "node-b");
          toCarol.add(toUserLookedUpLater("3", "carol"));
          toUser("4", "dave", "node-d");
          toUser("5", "bob", "node-b");
        });

    assertThat(handedOn).containsExactly("2@node-b", "4@node-d", "5@node-b");
    assertThat(lookups).as("frames queued behind a lookup share it").hasSize(1);
    onLoop(() -> answer("carol", "node-c"));
    assertThat(handedOn)
        .containsExactly("2@node-b", "4@node-d", "5@node-b", "1@node-c", "3@node-c");
  }

  @Test
  void aFailedLookupFailsItsFramesAndTheNextFrameLooksUpAgain() {
    List<Future<Void>> results = new ArrayList<>();
    onLoop(
        () -> {
          results.add(toUserLookedUpLater("1", "carol"));
          results.add(toUserLookedUpLater("2", "carol"));
          lookups.remove("carol").fail("presence did not answer");
          results.add(toUserLookedUpLater("3", "carol"));
        });

    assertThat(results.get(0).failed()).isTrue();
    assertThat(results.get(1).failed()).isTrue();
    assertThat(results.get(2).isComplete()).isFalse();
    onLoop(() -> answer("carol", "node-c"));
    assertThat(handedOn).containsExactly("3@node-c");
  }

  @Test
  void aRoomFrameWaitsForEarlierFramesToItsMembersAndLaterFramesToThemWaitForIt() {
    onLoop(
        () -> {
          toUserLookedUpLater("1", "bob");
          toUserLookedUpLater("2", "zoe");
          toRoom("3", "lobby", "alice", "bob", "carol");
          toUser("4", "carol", "node-carol");
          toUser("5", "dave", "node-dave");
        });

    // The room includes bob, whose earlier frame is not handed on yet; carol's frame comes after
    // the room's.
    assertThat(handedOn).containsExactly("5@node-dave");
    onLoop(() -> answer("bob", "node-bob"));
    assertThat(handedOn).containsExactly("5@node-dave", "1@node-bob", "3@room", "4@node-carol");
    onLoop(() -> answer("zoe", "node-zoe"));
    assertThat(handedOn).endsWith("2@node-zoe");
  }

  @Test
  void resultsArriveOnTheSendersEventLoopWhereverTheDeliveryCompletes() throws Exception {
    CompletableFuture<Boolean> onSendersLoop = new CompletableFuture<>();
    onLoop(
        () ->
            toUser("1", "bob", "node-b")
                .onComplete(done -> onSendersLoop.complete(Vertx.currentContext() == loop)));

    // Completed from a thread that is not the sender's, as a delivery on another event loop would
    // be.
    Thread other = new Thread(() -> deliveries.get(0).complete());
    other.start();
    other.join();

    assertThat(onSendersLoop.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
