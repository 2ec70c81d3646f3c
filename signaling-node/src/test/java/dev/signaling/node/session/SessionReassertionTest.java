package dev.signaling.node.session;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.presence.HazelcastPresence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.rooms.HazelcastRoomRegistry;
import dev.signaling.node.rooms.RoomState;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each node re-asserts its own sessions: entries the cluster lost behind its back (here evicted
 * straight from the Hazelcast maps, gone without a removal event as when a partition dies with its
 * owner and backup) come back, and their users are reachable and see their rooms' members again.
 * Two real clustered nodes.
 */
class SessionReassertionTest {
  /** Within a few periods of the default check (3 s). */
  private static final Duration HEALED = Duration.ofSeconds(10);

  @Test
  void aPresenceEntryLostBehindItsNodesBackIsRestoredByThePeriodicCheck() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 2)) {
      SignalingClient alice = cluster.login("heal-alice", 0);
      SignalingClient bob = cluster.login("heal-bob", 1);
      assertThat(relay(bob, "heal-alice")).isEqualTo("ack");
      PresenceEntry entry = await(cluster.node(1).presence().lookup("heal-alice"));

      // Evicted: gone without a removal, as entries are when a partition is lost.
      hazelcast(cluster).getMap(HazelcastPresence.MAP_NAME).evict("heal-alice");

      // The map itself, not a relay: the other node may still remember where alice is for a moment.
      Duration back =
          Poll.until(
              () ->
                  restored(cluster.node(0), "presence-entries") == 1
                      && entry.equals(await(cluster.node(1).presence().lookup("heal-alice"))),
              HEALED,
              "heal-alice's entry is back in the presence map");
      assertThat(relay(bob, "heal-alice")).isEqualTo("ack");
      assertThat(restored(cluster.node(1), "presence-entries")).isZero();
      assertThat(alice.isClosed()).isFalse();
      Measurements.record(
          "reassertion: a presence entry evicted behind its node's back was restored, its user"
              + " reachable again "
              + back.toMillis()
              + " ms later (period 3 s)");
    }
  }

  @Test
  void aLostRoomStartedAgainByAJoinIsRestoredAboveItsOldVersionAndMembersSeeEachOther()
      throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 2)) {
      String room = "heal-room";
      SignalingClient alice = cluster.login("heal-alice", 0);
      SignalingClient bob = cluster.login("heal-bob", 1);
      SignalingClient dave = cluster.login("heal-dave", 1);
      await(alice.join(room));
      await(bob.join(room));
      await(dave.join(room));
      await(dave.leave(room));
      long versionBefore = await(cluster.node(0).rooms().get(room)).version();

      // The room's entry is lost; a newcomer's join starts it again at version 1, below what the
      // members joined at. Without the restore, their nodes would take every later state for one
      // already seen.
      hazelcast(cluster).getMap(HazelcastRoomRegistry.MAP_NAME).evict(room);
      SignalingClient carol = cluster.login("heal-carol", 0);
      await(carol.join(room));

      Poll.until(
          () -> {
            RoomState state = await(cluster.node(1).rooms().get(room));
            return state.version() > versionBefore
                && state.members().keySet().equals(Set.of("heal-alice", "heal-bob", "heal-carol"));
          },
          HEALED,
          "the room holds its three members again, above its old version");
      for (SignalingClient member : List.of(alice, bob)) {
        member.await(
            frame ->
                "presence".equals(frame.getString("type"))
                    && "heal-carol".equals(frame.getString("name"))
                    && frame.getBoolean("online"),
            HEALED);
        assertThat(joinedUsers(member, room))
            .containsExactlyInAnyOrder("heal-alice", "heal-bob", "heal-carol");
      }
      JsonObject ack = await(carol.request(new JsonObject().put("type", "chat").put("room", room)));
      assertThat(ack.getInteger("delivered")).isEqualTo(2);
      assertThat(
              restored(cluster.node(0), "room-memberships")
                  + restored(cluster.node(1), "room-memberships"))
          .isEqualTo(2);
    }
  }

  private static List<String> joinedUsers(SignalingClient member, String room) {
    return await(member.join(room)).getJsonArray("users").stream()
        .map(String::valueOf)
        .collect(Collectors.toList());
  }

  /** {@code ack}, or the error code a note from {@code sender} to {@code target} gets. */
  private static String relay(SignalingClient sender, String target) {
    try {
      await(sender.request(new JsonObject().put("type", "note").put("target", target)));
      return "ack";
    } catch (AssertionError refused) {
      return refused.getCause() instanceof SignalingException error
          ? error.code()
          : refused.toString();
    }
  }

  private static double restored(SignalingNode node, String kind) {
    String scrape = Http.get(node.httpPort(), "/metrics").body();
    return Http.sample(scrape, "signaling_restored_total{kind=\"" + kind + "\"}");
  }

  /**
   * One of the cluster's Hazelcast members in this JVM, for changing the shared maps behind the
   * nodes.
   */
  private static HazelcastInstance hazelcast(TestCluster cluster) {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(instance -> instance.getConfig().getClusterName().equals(cluster.clusterName()))
        .findFirst()
        .orElseThrow();
  }
}
