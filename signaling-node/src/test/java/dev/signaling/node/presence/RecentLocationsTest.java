package dev.signaling.node.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.support.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RecentLocationsTest {
  private final List<Promise<PresenceEntry>> lookups = new ArrayList<>();
  private final Function<String, Future<PresenceEntry>> lookup =
      name -> {
        Promise<PresenceEntry> answer = Promise.promise();
        lookups.add(answer);
        return answer.future();
      };

  @Test
  void remembersUntilToldToForget() {
    RecentLocations recent = new RecentLocations(10);
    PresenceEntry entry = new PresenceEntry("node-a", "s1");

    recent.remember("alice", entry, recent.stamp("alice"));
    assertThat(recent.get("alice")).isEqualTo(entry);

    recent.forget("alice");
    assertThat(recent.get("alice")).isNull();
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    RecentLocations recent = new RecentLocations(3);
    for (int i = 0; i < 10; i++) {
      String name = "user-" + i;
      recent.remember(name, new PresenceEntry("node-a", "s" + i), recent.stamp(name));
    }

    int held = 0;
    for (int i = 0; i < 10; i++) {
      held += recent.get("user-" + i) == null ? 0 : 1;
    }
    assertThat(held).isBetween(1, 3);
    // The newest is always kept: it is the one being relayed to.
    assertThat(recent.get("user-9")).isEqualTo(new PresenceEntry("node-a", "s9"));
  }

  /**
   * The interleaving that used to leave a stale location behind for good: a lookup is sent, bob
   * logs in elsewhere and the map's change event is processed, then the lookup's answer, read
   * before the change, arrives. It must not be remembered.
   */
  @Test
  void anAnswerThatArrivesAfterAChangeOfItsUserIsNotRemembered() {
    RecentLocations recent = new RecentLocations(10);
    PresenceEntry old = new PresenceEntry("node-a", "s1");

    Future<PresenceEntry> first = recent.locate("bob", lookup);
    recent.forget("bob");
    lookups.get(0).complete(old);

    assertThat(first.result()).isEqualTo(old);
    assertThat(recent.get("bob")).isNull();
    recent.locate("bob", lookup);
    assertThat(lookups).as("the next relay asks the map again").hasSize(2);
  }

  @Test
  void clearingDropsAnswersStillOnTheirWay() {
    RecentLocations recent = new RecentLocations(10);

    recent.locate("bob", lookup);
    recent.clear();
    lookups.get(0).complete(new PresenceEntry("node-a", "s1"));

    assertThat(recent.get("bob")).isNull();
  }

  @Test
  void anAnswerWithNoChangeInBetweenIsRemembered() {
    RecentLocations recent = new RecentLocations(10);
    PresenceEntry entry = new PresenceEntry("node-a", "s1");

    recent.locate("bob", lookup);
    recent.forget("carol-" + 1);
    lookups.get(0).complete(entry);

    assertThat(recent.locate("bob", lookup).result()).isEqualTo(entry);
    assertThat(lookups).hasSize(1);
  }

  /**
   * Callers on different event loops share one lookup again, each getting the answer on its own
   * loop.
   */
  @Test
  void aSharedLookupAgainAnswersEachCallerOnItsOwnEventLoop() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      RecentLocations recent = new RecentLocations(10);
      List<Context> loops = EventLoops.distinct(vertx, 2);
      Context first = loops.get(0);
      Context second = loops.get(1);
      CompletableFuture<Boolean> firstOnItsLoop = new CompletableFuture<>();
      CompletableFuture<Boolean> secondOnItsLoop = new CompletableFuture<>();
      Promise<PresenceEntry> answer = Promise.promise();
      CompletableFuture<Void> asked = new CompletableFuture<>();

      first.runOnContext(
          ignored ->
              recent
                  .locateAgain(
                      "bob",
                      name -> {
                        asked.complete(null);
                        return answer.future();
                      })
                  .onComplete(done -> firstOnItsLoop.complete(Vertx.currentContext() == first)));
      asked.get(10, TimeUnit.SECONDS);
      CompletableFuture<Void> secondAsked = new CompletableFuture<>();
      second.runOnContext(
          ignored -> {
            recent
                .locateAgain(
                    "bob",
                    name -> {
                      throw new AssertionError("a second lookup while the first is in flight");
                    })
                .onComplete(done -> secondOnItsLoop.complete(Vertx.currentContext() == second));
            secondAsked.complete(null);
          });
      secondAsked.get(10, TimeUnit.SECONDS);
      // The answer arrives on the first caller's loop, as Hazelcast's answers do.
      first.runOnContext(ignored -> answer.complete(new PresenceEntry("node-b", "s2")));

      assertThat(firstOnItsLoop.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(secondOnItsLoop.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      vertx.close();
    }
  }
}
