package dev.signaling.node.session;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.SharedState;
import dev.signaling.node.support.FailingPresence;
import dev.signaling.node.support.FailingRoomRegistry;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a client sees when the cluster's presence or room store does not answer, with fakes in front
 * of a real node's stores that are told to fail: a clear error, the connection goes on, and the
 * next attempt after the store is back works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedStateFailuresTest {
  private static final Duration WAIT = TestCluster.TIMEOUT;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private FailingPresence presence;
  private FailingRoomRegistry rooms;
  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster =
        TestCluster.start(
            false,
            1,
            Map.of(),
            real -> {
              presence = new FailingPresence(real.presence());
              rooms = new FailingRoomRegistry(real.rooms());
              return new SharedState(presence, rooms);
            });
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static String unique(String name) {
    return name + "-" + NAMES.incrementAndGet();
  }

  @Test
  void aLoginThePresenceStoreDoesNotRecordIsRefusedAndTheNextOneWorks() throws Exception {
    SignalingClient client = cluster.connect(0);
    String name = unique("alice");
    presence.claimsFail = true;
    try {
      client.send(new JsonObject().put("type", "login").put("name", name).put("id", "first"));
      JsonObject refused = client.await("error", WAIT);
      assertThat(refused.getString("code")).isEqualTo("server-unavailable");
      assertThat(refused.getString("ref")).isEqualTo("first");
    } finally {
      presence.claimsFail = false;
    }

    assertThat(await(client.login(name)).getString("name")).isEqualTo(name);
    assertThat(client.isClosed()).isFalse();
  }

  @Test
  void aRelayWhoseLookupFailsIsRefusedAsNotDeliveredAndTheConnectionGoesOn() throws Exception {
    String bobName = unique("bob");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(bobName, 0);
    presence.lookupsFail = true;
    try {
      alice.send(new JsonObject().put("type", "video-offer").put("target", bobName).put("id", 7));
      JsonObject refused = alice.await("error", WAIT);
      assertThat(refused.getString("code")).isEqualTo("server-unavailable");
      assertThat(refused.getInteger("ref")).isEqualTo(7);
      assertThat(refused.getString("target")).isEqualTo(bobName);
    } finally {
      presence.lookupsFail = false;
    }

    await(alice.request(new JsonObject().put("type", "video-offer").put("target", bobName)));
    assertThat(bob.await("video-offer", WAIT).getString("from")).isEqualTo(alice.name());
  }

  @Test
  void aJoinTheRoomStoreDoesNotRecordIsRefusedAndTheNextOneWorks() throws Exception {
    SignalingClient alice = cluster.login(unique("alice"), 0);
    String room = unique("lobby");
    rooms.joinsFail = true;
    try {
      alice.send(new JsonObject().put("type", "join").put("room", room).put("id", "j1"));
      JsonObject refused = alice.await("error", WAIT);
      assertThat(refused.getString("code")).isEqualTo("server-unavailable");
      assertThat(refused.getString("ref")).isEqualTo("j1");
    } finally {
      rooms.joinsFail = false;
    }

    assertThat(await(alice.join(room)).getJsonArray("users").getList())
        .containsExactly(alice.name());
  }

  @Test
  void aMemberToldItJoinedIsReachedByRoomMessagesBeforeTheRoomsWatchReportsIt() throws Exception {
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(unique("bob"), 0);
    String room = unique("lobby");
    await(alice.join(room));
    rooms.watchesHeld = true;
    try {
      assertThat(await(bob.join(room)).getJsonArray("users").getList())
          .containsExactlyInAnyOrder(alice.name(), bob.name());

      JsonObject ack = await(alice.request(new JsonObject().put("type", "chat").put("room", room)));

      assertThat(ack.getInteger("delivered")).isEqualTo(1);
      assertThat(bob.await("chat", WAIT).getString("from")).isEqualTo(alice.name());
    } finally {
      rooms.releaseWatches();
    }
    JsonObject joined = alice.await("presence", WAIT);
    assertThat(joined.getString("name")).isEqualTo(bob.name());
    assertThat(joined.getBoolean("online")).isTrue();
  }

  @Test
  void aLeaveTheRoomStoreFailsTwiceIsRetriedAndTheOthersSeeTheMemberGo() throws Exception {
    String room = unique("lobby");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    SignalingClient bob = cluster.login(unique("bob"), 0);
    await(alice.join(room));
    await(bob.join(room));
    int attemptsBefore = rooms.leaveAttempts.get();
    rooms.leavesToFail.set(2);

    await(alice.leave(room));

    assertThat(rooms.leaveAttempts.get() - attemptsBefore).isEqualTo(3);
    JsonObject gone =
        bob.await(
            frame ->
                "presence".equals(frame.getString("type"))
                    && alice.name().equals(frame.getString("name"))
                    && !frame.getBoolean("online"),
            WAIT);
    assertThat(gone.getString("room")).isEqualTo(room);
    Poll.until(
        () -> !await(cluster.node(0).rooms().get(room)).members().containsKey(alice.name()),
        WAIT,
        "the room no longer lists alice");
  }

  @Test
  void aLeaveTheRoomStoreKeepsFailingIsRefusedAsServerUnavailable() throws Exception {
    String room = unique("lobby");
    SignalingClient alice = cluster.login(unique("alice"), 0);
    await(alice.join(room));
    rooms.leavesToFail.set(3);

    alice.send(new JsonObject().put("type", "leave").put("room", room).put("id", "l1"));

    JsonObject refused = alice.await("error", WAIT);
    assertThat(refused.getString("code")).isEqualTo("server-unavailable");
    assertThat(refused.getString("ref")).isEqualTo("l1");
    assertThat(alice.isClosed()).isFalse();
  }
}
