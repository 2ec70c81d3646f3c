package dev.signaling.node.rooms;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rooms as their members notice them, run on a single node and on three clustered nodes (see the
 * subclasses). Members are spread over the nodes: the i-th member of a test connects to node i.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoomTests {
  static final Duration WAIT = TestCluster.TIMEOUT;
  static final Map<String, String> CAPS =
      Map.of("MAX_ROOMS_PER_USER", "3", "MAX_ROOM_MEMBERS", "5");
  private static final AtomicInteger UNIQUE = new AtomicInteger();

  TestCluster cluster;

  abstract TestCluster startCluster();

  @BeforeAll
  void startNodes() {
    cluster = startCluster();
  }

  @AfterAll
  void stopNodes() {
    cluster.close();
  }

  static String unique(String name) {
    return name + "-" + UNIQUE.incrementAndGet();
  }

  @Test
  void aJoinerLearnsTheMembersAndEveryoneElseLearnsOfTheJoiner() throws Exception {
    String room = unique("lobby");
    Member a = member("a", 0);
    Member b = member("b", 1);
    Member c = member("c", 2);

    assertThat(a.join(room)).containsExactly(a.name);
    assertThat(b.join(room)).containsExactly(a.name, b.name);
    assertThat(c.join(room)).containsExactly(a.name, b.name, c.name);

    settle(room, a, b, c);
    assertThat(a.presence(room)).containsExactly(online(b), online(c));
    assertThat(b.presence(room)).containsExactly(online(c));
    assertThat(c.presence(room)).isEmpty();
  }

  @Test
  void joiningAgainAnswersWithTheRoomAsItIsNow() throws Exception {
    String room = unique("lobby");
    Member a = member("a", 0);
    a.join(room);
    Member b = member("b", 1);
    b.join(room);
    settle(room, a, b);

    assertThat(a.join(room)).containsExactly(a.name, b.name);
    settle(room, a, b);
    assertThat(b.presence(room)).as("a joining again is no change for b").isEmpty();
  }

  @Test
  void leavingDisconnectingAndBeingReplacedEachAnnounceOneDeparture() throws Exception {
    String room = unique("lobby");
    Member stays = member("stays", 0);
    Member leaves = member("leaves", 1);
    Member disconnects = member("disconnects", 2);
    Member replaced = member("replaced", 1);
    for (Member member : List.of(stays, leaves, disconnects, replaced)) {
      member.join(room);
    }

    assertThat(await(leaves.client.leave(room)).getString("room")).isEqualTo(room);
    await(disconnects.client.close());
    SignalingClient newLogin = cluster.login(replaced.name, 2);
    assertThat(await(replaced.client.closeFuture())).isEqualTo((short) 1008);

    settle(room, stays);
    assertThat(stays.presence(room))
        .containsExactly(
            online(leaves),
            online(disconnects),
            online(replaced),
            offline(leaves),
            offline(disconnects),
            offline(replaced));
    assertThat(await(cluster.node(0).rooms().get(room)).members()).containsOnlyKeys(stays.name);
    assertThat(newLogin.seen()).noneMatch(frame -> "presence".equals(frame.getString("type")));
  }

  @Test
  void aRoomMessageReachesEveryOtherMemberOnceAndTheAckCountsThem() throws Exception {
    String room = unique("lobby");
    Member a = member("a", 0);
    Member b = member("b", 1);
    Member c = member("c", 2);
    Member outsider = member("outsider", 1);
    for (Member member : List.of(a, b, c)) {
      member.join(room);
    }
    settle(room, a, b, c);

    JsonObject ack =
        await(
            a.client.request(
                new JsonObject().put("type", "chat").put("room", room).put("text", "hi")));

    assertThat(ack.getInteger("delivered")).isEqualTo(2);
    for (Member receiver : List.of(b, c)) {
      JsonObject message = receiver.client.await("chat", WAIT);
      assertThat(message.getString("from")).isEqualTo(a.name);
      assertThat(message.getString("room")).isEqualTo(room);
      assertThat(message.getString("text")).isEqualTo("hi");
    }
    // A second message proves the first came once: anything more would have arrived before it.
    await(
        a.client.request(
            new JsonObject().put("type", "chat").put("room", room).put("text", "second")));
    for (Member receiver : List.of(b, c)) {
      assertThat(receiver.client.await("chat", WAIT).getString("text")).isEqualTo("second");
    }
    assertThat(a.client.seen()).noneMatch(frame -> "chat".equals(frame.getString("type")));
    assertThat(outsider.client.seen()).noneMatch(frame -> "chat".equals(frame.getString("type")));
  }

  @Test
  void sendingToOrLeavingARoomOneIsNotInIsRefused() {
    String room = unique("lobby");
    member("insider", 0).join(room);
    Member outsider = member("outsider", 1);

    assertRefused(
        outsider.client.request(new JsonObject().put("type", "chat").put("room", room)),
        "not-in-room");
    assertRefused(outsider.client.leave(room), "not-in-room");
  }

  @Test
  void aFullRoomRefusesTheNextMember() {
    String room = unique("small");
    for (int i = 0; i < 5; i++) {
      member("m" + i, i).join(room);
    }

    assertRefused(member("sixth", 0).client.join(room), "room-full");
  }

  @Test
  void aSessionInAsManyRoomsAsAllowedMustLeaveOneFirst() {
    Member busy = member("busy", 0);
    String[] rooms = {unique("r"), unique("r"), unique("r")};
    for (String room : rooms) {
      busy.join(room);
    }

    String fourth = unique("r");
    assertRefused(busy.client.join(fourth), "too-many-rooms");
    await(busy.client.leave(rooms[0]));
    assertThat(busy.join(fourth)).containsExactly(busy.name);
  }

  @Test
  void aMemberOfTwoRoomsGetsEachRoomsEvents() throws Exception {
    String red = unique("red");
    String blue = unique("blue");
    Member both = member("both", 0);
    Member redOnly = member("red-only", 1);
    Member blueOnly = member("blue-only", 2);
    both.join(red);
    both.join(blue);
    redOnly.join(red);
    blueOnly.join(blue);

    settle(red, both);
    settle(blue, both);
    assertThat(both.presence(red)).containsExactly(online(redOnly));
    assertThat(both.presence(blue)).containsExactly(online(blueOnly));
  }

  @Test
  void everyMemberSeesTheRoomsChangesInTheSameOrder() throws Exception {
    String room = unique("busy");
    List<Member> observers = List.of(member("o0", 0), member("o1", 1), member("o2", 2));
    for (Member observer : observers) {
      observer.join(room);
    }
    settle(room, observers.toArray(Member[]::new));
    observers.forEach(observer -> observer.client.drainInbox());
    int before = observers.get(0).presence(room).size();

    // Two visitors on different nodes come and go at the same time, so their changes interleave.
    List<Future<?>> churn = new ArrayList<>();
    for (int v = 0; v < 2; v++) {
      Member visitor = member("visitor" + v, v + 1);
      churn.add(
          visitor
              .client
              .join(room)
              .compose(joined -> visitor.client.leave(room))
              .compose(left -> visitor.client.join(room))
              .compose(joined -> visitor.client.leave(room)));
    }
    churn.forEach(TestCluster::await);

    settle(room, observers.toArray(Member[]::new));
    List<JsonObject> reference =
        observers.get(0).presence(room).subList(before, observers.get(0).presence(room).size());
    assertThat(reference).hasSize(8);
    for (Member observer : observers) {
      List<JsonObject> seen = observer.presence(room);
      assertThat(seen.subList(seen.size() - 8, seen.size())).as(observer.name).isEqualTo(reference);
    }
  }

  Member member(String name, int node) {
    return new Member(cluster.login(unique(name), node));
  }

  /**
   * Waits until every change so far has reached these members: a marker joins and leaves, and the
   * room's events arrive in order, so once its departure is seen everything before it has been too.
   * The marker's own events are then removed from what the members saw.
   */
  void settle(String room, Member... members) throws Exception {
    Member marker = member("marker", 0);
    marker.join(room);
    await(marker.client.leave(room));
    for (Member member : members) {
      member.client.await(
          frame ->
              "presence".equals(frame.getString("type"))
                  && room.equals(frame.getString("room"))
                  && marker.name.equals(frame.getString("name"))
                  && !frame.getBoolean("online"),
          WAIT);
      member.ignored.add(marker.name);
    }
    marker.client.close();
  }

  static JsonObject online(Member member) {
    return presence(member, true);
  }

  static JsonObject offline(Member member) {
    return presence(member, false);
  }

  private static JsonObject presence(Member member, boolean online) {
    return new JsonObject().put("type", "presence").put("name", member.name).put("online", online);
  }

  static void assertRefused(Future<?> request, String code) {
    assertThatThrownBy(() -> await(request))
        .hasRootCauseInstanceOf(SignalingException.class)
        .rootCause()
        .satisfies(error -> assertThat(((SignalingException) error).code()).isEqualTo(code));
  }

  /** A logged-in client and what it saw of rooms. */
  static final class Member {
    final SignalingClient client;
    final String name;
    final List<String> ignored = new ArrayList<>();

    Member(SignalingClient client) {
      this.client = client;
      this.name = client.name();
    }

    /** Joins and returns the member list of the {@code joined} answer. */
    List<Object> join(String room) {
      JsonObject joined = await(client.join(room));
      assertThat(joined.getString("room")).isEqualTo(room);
      return joined.getJsonArray("users").getList();
    }

    /** The presence events of {@code room} so far, without their room field and the markers'. */
    List<JsonObject> presence(String room) {
      return client.seen().stream()
          .filter(
              frame ->
                  "presence".equals(frame.getString("type"))
                      && room.equals(frame.getString("room")))
          .filter(frame -> !ignored.contains(frame.getString("name")))
          .map(frame -> frame.copy().put("room", null))
          .map(
              frame -> {
                frame.remove("room");
                return frame;
              })
          .toList();
    }
  }
}
