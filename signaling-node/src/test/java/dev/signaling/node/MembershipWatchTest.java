package dev.signaling.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.cluster.ClusterView;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MembershipWatchTest {
  private final Vertx vertx = Vertx.vertx();
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  private final AtomicInteger lookedAt = new AtomicInteger();

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  @Test
  void aThousandFramesWaitingOnOneNodeShareOneWatchAndAllLearnThatItLeft() {
    members.addAll(Set.of("a", "b"));
    MembershipWatch watch = new MembershipWatch(vertx, view(), Duration.ofSeconds(30));
    Context caller = vertx.getOrCreateContext();
    Promise<List<Boolean>> answers = Promise.promise();
    AtomicInteger onCaller = new AtomicInteger();
    Promise<Void> asked = Promise.promise();
    caller.runOnContext(
        now -> {
          List<Future<Boolean>> waiting = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            waiting.add(
                watch
                    .leaves("b")
                    .andThen(
                        left -> {
                          if (Vertx.currentContext() == caller) {
                            onCaller.incrementAndGet();
                          }
                        }));
          }
          Future.all(waiting).map(all -> all.<Boolean>list()).onComplete(answers);
          asked.complete();
        });
    TestCluster.await(asked.future());
    assertThat(watch.watching()).isEqualTo(1);
    int lookedAtBefore = lookedAt.get();

    members.remove("b");

    assertThat(TestCluster.await(answers.future())).hasSize(1000).containsOnly(true);
    assertThat(onCaller).as("answers handed back to their callers' context").hasValue(1000);
    // One watch reads the member list a few times, not a thousand watches five times a second.
    assertThat(lookedAt.get() - lookedAtBefore).isLessThan(20);
    TestCluster.await(vertx.timer(50));
    assertThat(watch.watching()).isZero();
  }

  @Test
  void aNodeStillAMemberAfterThePatienceIsNotDeadAndALaterSilenceIsWatchedAfresh() {
    members.addAll(Set.of("a", "b"));
    MembershipWatch watch = new MembershipWatch(vertx, view(), Duration.ofMillis(300));

    assertThat(TestCluster.await(watch.leaves("b"))).isFalse();
    members.remove("b");

    assertThat(TestCluster.await(watch.leaves("b"))).isTrue();
  }

  private ClusterView view() {
    return new ClusterView() {
      @Override
      public String nodeId() {
        return "a";
      }

      @Override
      public Set<String> members() {
        lookedAt.incrementAndGet();
        return Set.copyOf(members);
      }

      @Override
      public boolean isOldestMember() {
        return true;
      }

      @Override
      public Future<Boolean> isSafe() {
        return Future.succeededFuture(true);
      }

      @Override
      public void onMemberLeft(Consumer<String> listener) {}
    };
  }
}
