package dev.signaling.node.rooms;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node in its own JVM is killed: its members leave their rooms once, everyone else's membership
 * stays.
 */
class RoomNodeDeathIT {

  @Test
  void membersOfAKilledNodeLeaveTheirRoomsExactlyOnce() throws Exception {
    try (TestCluster cluster = TestCluster.start(true, 2);
        ChildNode victim = ChildNode.joining(cluster, "room-victim")) {
      SignalingClient alice = cluster.login("alice", 0);
      SignalingClient bob = cluster.login("bob", 1);
      SignalingClient doomed = victim.login(cluster, "doomed");
      await(alice.join("lobby"));
      await(doomed.join("lobby"));
      assertThat(await(bob.join("lobby")).getJsonArray("users").getList())
          .containsExactly("alice", "doomed", "bob");

      // Both survivors talked with the doomed user; whichever node reaps it, both must hear of it.
      await(alice.request(new JsonObject().put("type", "note").put("target", "doomed")));
      await(bob.request(new JsonObject().put("type", "note").put("target", "doomed")));

      victim.kill();
      long killed = System.nanoTime();
      for (SignalingClient survivor : List.of(alice, bob)) {
        survivor.await(
            frame ->
                "presence".equals(frame.getString("type"))
                    && "doomed".equals(frame.getString("name"))
                    && !frame.getBoolean("online"),
            Duration.ofSeconds(15));
      }
      Measurements.record(
          "kill -9: room members told of the departure after "
              + Duration.ofNanos(System.nanoTime() - killed).toMillis()
              + " ms");

      assertThat(await(cluster.node(0).rooms().get("lobby")).members())
          .containsOnlyKeys("alice", "bob");
      for (SignalingClient survivor : List.of(alice, bob)) {
        Poll.until(
            () ->
                survivor.seen().stream()
                    .anyMatch(
                        frame ->
                            "peer-left".equals(frame.getString("type"))
                                && "doomed".equals(frame.getString("name"))
                                && "node-failure".equals(frame.getString("reason"))),
            Duration.ofSeconds(15),
            "peer-left for doomed reaches " + survivor.name());
      }
      JsonObject ack =
          await(alice.request(new JsonObject().put("type", "chat").put("room", "lobby")));
      assertThat(ack.getInteger("delivered")).isEqualTo(1);
      assertThat(bob.await("chat", TestCluster.TIMEOUT).getString("from")).isEqualTo("alice");
      // Every survivor reaps the dead node; only one may announce it. A marker's visit orders after
      // any duplicate, since a room's events arrive in order.
      SignalingClient marker = cluster.login("marker", 0);
      await(marker.join("lobby"));
      await(marker.leave("lobby"));
      for (SignalingClient survivor : List.of(alice, bob)) {
        survivor.await(
            frame -> "marker".equals(frame.getString("name")) && !frame.getBoolean("online"),
            TestCluster.TIMEOUT);
        assertThat(survivor.seen())
            .filteredOn(
                frame ->
                    "doomed".equals(frame.getString("name"))
                        && Boolean.FALSE.equals(frame.getBoolean("online")))
            .hasSize(1);
      }
    }
  }
}
