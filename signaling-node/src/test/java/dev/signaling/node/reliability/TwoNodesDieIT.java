package dev.signaling.node.reliability;

import static dev.signaling.node.reliability.Checks.awaitReady;
import static dev.signaling.node.reliability.Checks.lookUp;
import static dev.signaling.node.reliability.Checks.millis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.rooms.RoomState;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three nodes (one in this JVM, two in JVMs of their own), users on each, rooms spanning all three;
 * both child JVMs killed with {@code kill -9} at once. Presence and rooms keep one backup, so the
 * partitions whose owner and backup were both on the dead nodes are lost, with the survivor's own
 * entries in them. The survivor re-asserts its sessions: within {@link #BOUND} every one of its
 * users reaches every other, each room lists exactly its members on the survivor, and they see each
 * other (a room message reaches them all, a repeated join lists exactly them), every member having
 * been told once of each member that died, and presence holds exactly the live users.
 */
class TwoNodesDieIT {
  private static final int USERS = 90;

  /** Three members per node; each user is in {@link #ROOMS_PER_USER} rooms grouped differently. */
  private static final int ROOM_SIZE = 9;

  private static final int ROOMS_PER_USER = 3;
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** A user of the test: user {@code i} is on node {@code i % 3} (0: this JVM). */
  private record User(int index, String name, SignalingClient client, List<String> rooms) {
    boolean survives() {
      return index % 3 == 0;
    }
  }

  @Test
  void theSurvivorsUsersReachEachOtherAndTheirRoomsHoldExactlyThem() throws Exception {
    long testStart = System.nanoTime();
    try (TestCluster cluster = TestCluster.start(true, 1);
        ChildNode b = ChildNode.joining(cluster, "two-die-b");
        ChildNode c = ChildNode.joining(cluster, "two-die-c")) {
      awaitReady(b);
      awaitReady(c);
      SignalingNode a = cluster.node(0);
      List<Integer> ports = List.of(a.httpPort(), b.httpPort(), c.httpPort());
      List<User> users = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        String name = String.format("t-%03d", i);
        SignalingClient client =
            TestCluster.await(
                SignalingClient.connect(cluster.clientVertx(), "127.0.0.1", ports.get(i % 3)));
        TestCluster.await(client.login(name));
        users.add(new User(i, name, client, roomsOf(i)));
      }
      for (User user : users) {
        for (String room : user.rooms) {
          TestCluster.await(user.client.join(room));
        }
      }
      Map<String, List<User>> rooms = new TreeMap<>();
      users.forEach(
          user ->
              user.rooms.forEach(
                  room -> rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(user)));
      for (Map.Entry<String, List<User>> room : rooms.entrySet()) {
        assertThat(TestCluster.await(a.rooms().get(room.getKey())).members()).hasSize(ROOM_SIZE);
      }
      List<User> survivors = users.stream().filter(User::survives).toList();
      Set<String> dead =
          users.stream()
              .filter(user -> !user.survives())
              .map(User::name)
              .collect(Collectors.toSet());
      Poll.until(
          () ->
              survivors.stream()
                  .allMatch(
                      member ->
                          member.rooms.stream()
                              .allMatch(
                                  room ->
                                      roomEvents(member, room).size()
                                          == joinedAfter(member, rooms.get(room)))),
          Duration.ofSeconds(15),
          "every member is told of everyone who joined after it");
      Poll.until(
          () -> Http.get(a.httpPort(), "/health/ready").statusCode() == 200,
          Duration.ofSeconds(30),
          "every entry has its backup before the kill");

      long killedAt = System.nanoTime();
      ChildNode.killTogether(b, c);

      long presenceExact =
          within(
              killedAt,
              () -> presenceHoldsExactly(a, users),
              "presence holds exactly the survivor's users");
      long reachable =
          within(
              killedAt,
              () -> everyoneReachesEveryone(survivors),
              "every user of the survivor reaches every other");
      long roomsExact =
          within(
              killedAt,
              () -> roomsHoldExactly(a, rooms),
              "every room lists exactly its members on the survivor");
      long departuresTold =
          within(
              killedAt,
              () -> departuresToldOnce(survivors, rooms, dead, killedAt, false),
              "every member is told of each dead member of its rooms");
      long seeEachOther =
          within(
              killedAt,
              () -> membersSeeEachOther(survivors, rooms),
              "members see each other: room messages reach them all, joins list exactly them");
      assertThat(departuresToldOnce(survivors, rooms, dead, killedAt, true))
          .as("each departure told exactly once")
          .isTrue();
      assertThat(survivors.stream().noneMatch(user -> user.client.isClosed()))
          .as("no survivor's client dropped")
          .isTrue();
      // Nothing changed in the meantime: the repair was complete, not a moment's state.
      assertThat(presenceHoldsExactly(a, users)).as("presence, again").isTrue();
      assertThat(roomsHoldExactly(a, rooms)).as("rooms, again").isTrue();

      String scrape = Http.get(a.httpPort(), "/metrics").body();
      double restoredEntries =
          Http.sample(scrape, "signaling_restored_total{kind=\"presence-entries\"}");
      double restoredMemberships =
          Http.sample(scrape, "signaling_restored_total{kind=\"room-memberships\"}");
      Measurements.record(
          "two nodes die: "
              + USERS
              + " users, "
              + rooms.size()
              + " rooms of "
              + ROOM_SIZE
              + "; kill -9 of both child JVMs at once; the survivor restored "
              + (long) restoredEntries
              + " of its "
              + survivors.size()
              + " presence entries and "
              + (long) restoredMemberships
              + " of its "
              + survivors.size() * ROOMS_PER_USER
              + " room memberships");
      Measurements.record(
          "two nodes die: after the kill, presence exact after "
              + millis(presenceExact)
              + " ms; all "
              + survivors.size() * (survivors.size() - 1)
              + " relays among the survivor's users acked and"
              + " received after "
              + millis(reachable)
              + " ms; rooms exact after "
              + millis(roomsExact)
              + " ms; every departure told once after "
              + millis(departuresTold)
              + " ms; room messages and joins"
              + " exact after "
              + millis(seeEachOther)
              + " ms; test took "
              + millis(System.nanoTime() - testStart)
              + " ms");
      assertThat(restoredEntries)
          .as("the kill lost some of the survivor's presence entries")
          .isPositive();
      assertThat(restoredMemberships)
          .as("the kill lost some of the survivor's room memberships")
          .isPositive();
    }
  }

  /**
   * Rooms of nine, three per node; each user's rooms are grouped differently, so partitions vary.
   */
  private static List<String> roomsOf(int index) {
    List<String> rooms = new ArrayList<>();
    for (int k = 0; k < ROOMS_PER_USER; k++) {
      rooms.add("t-room-" + k + "-" + ((index + 3 * k) % USERS) / ROOM_SIZE);
    }
    return rooms;
  }

  /**
   * Polls {@code check} until it holds, within {@link #BOUND} of the kill; nanoseconds from the
   * kill.
   */
  private static long within(long killedAt, BooleanSupplier check, String what) {
    Duration left = BOUND.minusNanos(System.nanoTime() - killedAt);
    Poll.until(
        check,
        left.isNegative() ? Duration.ZERO : left,
        what + " within " + BOUND + " of the kill");
    long after = System.nanoTime() - killedAt;
    assertThat(Duration.ofNanos(after)).as(what).isLessThanOrEqualTo(BOUND);
    return after;
  }

  private static boolean presenceHoldsExactly(SignalingNode survivor, List<User> users) {
    Map<String, PresenceEntry> entries = lookUp(survivor, users.stream().map(User::name).toList());
    for (User user : users) {
      PresenceEntry entry = entries.get(user.name);
      boolean right =
          user.survives() ? entry != null && entry.node().equals(survivor.nodeId()) : entry == null;
      if (!right) {
        return false;
      }
    }
    return TestCluster.await(survivor.presence().size()) == users.size() / 3;
  }

  /**
   * A note from each user to each other, all at once; true when every one is acked and received.
   */
  private static boolean everyoneReachesEveryone(List<User> survivors) {
    String round = UUID.randomUUID().toString();
    List<Future<JsonObject>> notes = new ArrayList<>();
    for (User from : survivors) {
      for (User to : survivors) {
        if (from != to) {
          notes.add(
              from.client.request(
                  new JsonObject().put("type", "note").put("target", to.name).put("round", round)));
        }
      }
    }
    try {
      TestCluster.await(Future.all(notes));
    } catch (AssertionError refused) {
      if (refused.getCause() instanceof SignalingException) {
        return false;
      }
      throw refused;
    }
    int expected = survivors.size() - 1;
    Poll.until(
        () ->
            survivors.stream()
                .allMatch(
                    user ->
                        user.client.seen().stream()
                                .filter(frame -> round.equals(frame.getString("round")))
                                .count()
                            == expected),
        Duration.ofSeconds(5),
        "every acked note is received");
    return true;
  }

  private static boolean roomsHoldExactly(SignalingNode survivor, Map<String, List<User>> rooms) {
    for (Map.Entry<String, List<User>> room : rooms.entrySet()) {
      RoomState state = TestCluster.await(survivor.rooms().get(room.getKey()));
      Set<String> expected =
          room.getValue().stream()
              .filter(User::survives)
              .map(User::name)
              .collect(Collectors.toSet());
      if (!state.members().keySet().equals(expected)
          || state.members().values().stream()
              .anyMatch(entry -> !entry.node().equals(survivor.nodeId()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether each surviving member has been told of each dead member of each of its rooms: at least
   * once, or with {@code exactly}, once and with nothing else (no arrival, no departure of the
   * living).
   */
  private static boolean departuresToldOnce(
      List<User> survivors,
      Map<String, List<User>> rooms,
      Set<String> dead,
      long killedAt,
      boolean exactly) {
    for (User member : survivors) {
      for (String room : member.rooms) {
        List<JsonObject> events = roomEvents(member, room);
        // The events before the kill: the room filling up after the member joined.
        List<JsonObject> after =
            events.subList(joinedAfter(member, rooms.get(room)), events.size());
        Set<String> deadHere =
            rooms.get(room).stream()
                .map(User::name)
                .filter(dead::contains)
                .collect(Collectors.toSet());
        Set<String> told =
            after.stream()
                .filter(frame -> !frame.getBoolean("online"))
                .map(frame -> frame.getString("name"))
                .collect(Collectors.toSet());
        if (!told.containsAll(deadHere)) {
          return false;
        }
        if (exactly && (after.size() != deadHere.size() || !told.equals(deadHere))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The {@code presence} events of {@code room} that {@code member} got, in order. */
  private static List<JsonObject> roomEvents(User member, String room) {
    return member.client.seen().stream()
        .filter(
            frame ->
                "presence".equals(frame.getString("type")) && room.equals(frame.getString("room")))
        .toList();
  }

  /**
   * How many of a room's members joined after {@code member}: users join in the order of their
   * index.
   */
  private static int joinedAfter(User member, List<User> members) {
    return (int) members.stream().filter(other -> other.index > member.index).count();
  }

  private static boolean membersSeeEachOther(List<User> survivors, Map<String, List<User>> rooms) {
    for (Map.Entry<String, List<User>> room : rooms.entrySet()) {
      List<User> members = room.getValue().stream().filter(User::survives).toList();
      Set<String> names = members.stream().map(User::name).collect(Collectors.toSet());
      for (User member : members) {
        JsonObject joined = TestCluster.await(member.client.join(room.getKey()));
        if (!Set.copyOf(joined.getJsonArray("users").getList()).equals(names)) {
          return false;
        }
        String probe = UUID.randomUUID().toString();
        JsonObject ack =
            TestCluster.await(
                member.client.request(
                    new JsonObject()
                        .put("type", "chat")
                        .put("room", room.getKey())
                        .put("probe", probe)));
        if (ack.getInteger("delivered") != members.size() - 1) {
          return false;
        }
        Poll.until(
            () ->
                members.stream()
                    .filter(other -> other != member)
                    .allMatch(
                        other ->
                            other.client.seen().stream()
                                .anyMatch(frame -> probe.equals(frame.getString("probe")))),
            Duration.ofSeconds(5),
            "a room message reaches every other member");
      }
    }
    return true;
  }
}
