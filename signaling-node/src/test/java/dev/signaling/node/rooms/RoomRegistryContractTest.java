package dev.signaling.node.rooms;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.support.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What every {@link RoomRegistry} must do; subclassed once per implementation. */
abstract class RoomRegistryContractTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int NO_LIMIT = 100;

  /** The registry under test, as seen from one node. */
  abstract RoomRegistry registry();

  /** The same registry as seen from another node (the same object when there is only one). */
  abstract RoomRegistry otherNodesRegistry();

  private static String room() {
    return "room-" + UUID.randomUUID();
  }

  private static PresenceEntry on(String node, String session) {
    return new PresenceEntry(node, session);
  }

  @Test
  void membersJoinInOrderAndLeaveOnlyWithTheirOwnSession() {
    String room = room();
    assertThat(await(registry().join(room, "a", on("n1", "s-a"), NO_LIMIT)).state().version())
        .isEqualTo(1);
    JoinOutcome second = await(otherNodesRegistry().join(room, "b", on("n2", "s-b"), NO_LIMIT));

    assertThat(second.state().members().keySet()).containsExactly("a", "b");
    assertThat(second.state().changes()).containsExactly(new RoomChange("b", true));
    assertThat(await(registry().leave(room, "a", "s-other"))).isFalse();
    assertThat(await(otherNodesRegistry().leave(room, "a", "s-a"))).isTrue();
    assertThat(await(registry().get(room)).members().keySet()).containsExactly("b");
  }

  @Test
  void restoringPutsBackTheMissingMembersOfANode() {
    String room = room();
    await(registry().join(room, "a", on("n1", "s-a"), NO_LIMIT));
    RoomState before = await(registry().join(room, "b", on("n2", "s-b"), NO_LIMIT)).state();

    RoomRestore restore =
        await(
            otherNodesRegistry()
                .restore(
                    room, Map.of("a", on("n1", "s-a"), "c", on("n1", "s-c")), before.version()));

    assertThat(restore.restored()).containsExactly("c");
    assertThat(restore.state().members())
        .containsExactly(
            Map.entry("a", on("n1", "s-a")),
            Map.entry("b", on("n2", "s-b")),
            Map.entry("c", on("n1", "s-c")));
    assertThat(restore.state().version()).isEqualTo(before.version() + 1);
    assertThat(await(registry().get(room))).isEqualTo(restore.state());
  }

  @Test
  void restoringLeavesANameHeldByAnotherSessionAlone() {
    String room = room();
    RoomState newer = await(registry().join(room, "a", on("n2", "s-newer"), NO_LIMIT)).state();

    RoomRestore restore =
        await(
            otherNodesRegistry().restore(room, Map.of("a", on("n1", "s-older")), newer.version()));

    assertThat(restore.restored()).isEmpty();
    assertThat(restore.state()).isEqualTo(newer);
    assertThat(await(registry().get(room))).isEqualTo(newer);
  }

  @Test
  void aLostRoomIsStartedAgainAboveTheVersionItsNodeSaw() {
    String room = room();

    RoomRestore restore = await(registry().restore(room, Map.of("a", on("n1", "s-a")), 57));

    assertThat(restore.restored()).containsExactly("a");
    assertThat(restore.state().version()).isGreaterThan(57);
    assertThat(restore.state().changes()).isEmpty();
    assertThat(await(otherNodesRegistry().get(room))).isEqualTo(restore.state());
  }

  @Test
  void aRoomStartedAgainBelowWhatTheNodeSawIsLiftedAboveIt() {
    String room = room();
    // The lost room started again from a join elsewhere: version 1.
    await(registry().join(room, "z", on("n2", "s-z"), NO_LIMIT));

    RoomRestore restore =
        await(otherNodesRegistry().restore(room, Map.of("a", on("n1", "s-a")), 57));

    assertThat(restore.state().members().keySet()).containsExactly("z", "a");
    assertThat(restore.state().version()).isGreaterThan(57);
    // Already above: only the member is put back, one version on.
    RoomState lifted = restore.state();
    RoomRestore again = await(registry().restore(room, Map.of("b", on("n1", "s-b")), 57));
    assertThat(again.state().version()).isEqualTo(lifted.version() + 1);
  }

  @Test
  void restoringWhatIsInPlaceStoresNothingAndWatchersSeeOnlyRealChanges() {
    String room = room();
    RoomState joined = await(registry().join(room, "a", on("n1", "s-a"), NO_LIMIT)).state();
    List<RoomState> seen = new CopyOnWriteArrayList<>();
    RoomRegistry.RoomWatch watch = await(otherNodesRegistry().watch(room, seen::add));

    RoomRestore unchanged =
        await(registry().restore(room, Map.of("a", on("n1", "s-a")), joined.version()));
    RoomRestore restored =
        await(registry().restore(room, Map.of("b", on("n1", "s-b")), joined.version()));

    assertThat(unchanged.restored()).isEmpty();
    assertThat(unchanged.state()).isEqualTo(joined);
    // A watch delivers a room's states in order, so the restore that changed nothing would come
    // first.
    Poll.until(() -> !seen.isEmpty(), WAIT, "the watcher sees the restored state");
    assertThat(seen.get(0)).isEqualTo(restored.state());
    assertThat(seen.get(0).members().keySet()).containsExactly("a", "b");
    await(watch.cancel());
  }

  @Test
  void removingANodeRemovesItsMembersEverywhere() {
    String room = room();
    String dead = "dead-" + UUID.randomUUID();
    await(registry().join(room, "a", on("alive", "s-a"), NO_LIMIT));
    await(registry().join(room, "d", on(dead, "s-d"), NO_LIMIT));

    assertThat(await(otherNodesRegistry().removeNode(dead))).contains("d");

    RoomState after = await(registry().get(room));
    assertThat(after.members().keySet()).containsExactly("a");
    assertThat(after.changes()).containsExactly(new RoomChange("d", false));
  }
}
