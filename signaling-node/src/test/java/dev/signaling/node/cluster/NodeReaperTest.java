package dev.signaling.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.base.NodeScopedState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The oldest member's sweep removes entries of nodes that are no longer members, so it must never
 * run on a view of the members that is not the cluster's: one that just changed, or the view of a
 * node rejoining after a split, which lists itself alone and as the oldest until the merge is done.
 */
class NodeReaperTest {
  private final Vertx vertx = Vertx.vertx();
  private final FakeView view = new FakeView();
  private final RecordingState rooms = new RecordingState();
  private final NodeReaper reaper =
      new NodeReaper(
          vertx,
          view,
          List.of(rooms),
          Duration.ofHours(1),
          new ClusterMetrics(new SimpleMeterRegistry(), view),
          (state, users) -> {});

  @AfterEach
  void close() {
    reaper.stop();
    vertx.close();
  }

  @Test
  void sweepsOnceTheMembershipHeldForAWholePeriod() {
    reaper.start();
    view.members = Set.of("a", "c");
    reaper.reconcile();
    assertThat(rooms.sweeps).as("the first look at a membership").isEmpty();
    reaper.reconcile();
    assertThat(rooms.sweeps).containsExactly(Set.of("a", "c"));
    view.members = Set.of("a");
    reaper.reconcile();
    assertThat(rooms.sweeps).as("a membership that just changed").hasSize(1);
  }

  @Test
  void aNodeRejoiningAfterASplitDoesNotSweepTheClusterItMergesInto() {
    reaper.start();
    view.members = Set.of("c");
    reaper.reconcile();
    view.rejoin.run();
    // Hazelcast has reset this node: it lists itself alone, and so as the oldest, period after
    // period, while the merge is under way.
    reaper.reconcile();
    reaper.reconcile();
    assertThat(rooms.sweeps).as("sweeps while rejoining").isEmpty();
    view.merged.run();
    view.members = Set.of("a", "c");
    reaper.reconcile();
    reaper.reconcile();
    assertThat(rooms.sweeps).containsExactly(Set.of("a", "c"));
  }

  @Test
  void onlyTheOldestMemberSweeps() {
    reaper.start();
    view.oldest = false;
    view.members = Set.of("a", "c");
    reaper.reconcile();
    reaper.reconcile();
    assertThat(rooms.sweeps).isEmpty();
  }

  private static final class FakeView implements ClusterView {
    volatile Set<String> members = Set.of();
    volatile boolean oldest = true;
    Runnable rejoin = () -> {};
    Runnable merged = () -> {};

    @Override
    public String nodeId() {
      return "c";
    }

    @Override
    public Set<String> members() {
      return members;
    }

    @Override
    public boolean isOldestMember() {
      return oldest;
    }

    @Override
    public Future<Boolean> isSafe() {
      return Future.succeededFuture(true);
    }

    @Override
    public void onRejoinAfterSplit(Runnable listener) {
      rejoin = listener;
    }

    @Override
    public void onMergeCompleted(Runnable listener) {
      merged = listener;
    }

    @Override
    public void onMemberLeft(Consumer<String> listener) {}
  }

  private static final class RecordingState implements NodeScopedState {
    final List<Set<String>> sweeps = new ArrayList<>();

    @Override
    public Future<Set<String>> removeNode(String node) {
      return Future.succeededFuture(Set.of());
    }

    @Override
    public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
      sweeps.add(liveNodes);
      return Future.succeededFuture(Set.of());
    }

    @Override
    public String entriesName() {
      return "room memberships";
    }
  }
}
