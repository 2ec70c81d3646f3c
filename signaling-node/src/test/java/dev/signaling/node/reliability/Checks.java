package dev.signaling.node.reliability;

import dev.signaling.node.SignalingNode;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.reliability.CallLoad.User;
import dev.signaling.node.rooms.RoomState;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Http;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** What the reliability tests check about a cluster and its load, and how they wait. */
final class Checks {
  private Checks() {}

  /** Waits until each of {@code users} has sent at least {@code bursts} more bursts. */
  static void awaitBursts(List<User> users, int bursts, Duration timeout) {
    Map<User, Long> from = new HashMap<>();
    users.forEach(user -> from.put(user, user.seq.get()));
    Poll.until(
        () ->
            users.stream()
                .allMatch(
                    user -> user.seq.get() - from.get(user) >= (long) bursts * CallLoad.BURST),
        timeout,
        "every user sends " + bursts + " more bursts");
  }

  /** Waits until a child node answers ready (joined, cluster safe). */
  static void awaitReady(ChildNode node) {
    Poll.until(
        () -> {
          if (!node.isAlive()) {
            throw new AssertionError("the child node exited; see " + node.log());
          }
          try {
            return Http.get(node.httpPort(), "/health/ready").statusCode() == 200;
          } catch (AssertionError notYet) {
            return false;
          }
        },
        Duration.ofSeconds(60),
        "the child node is ready");
  }

  /**
   * The cluster's members as the in-process node on {@code httpPort} counts them; -1 when it does
   * not answer.
   */
  static int members(int httpPort) {
    try {
      return new JsonObject(Http.get(httpPort, "/health/live").body())
          .getInteger("clusterMembers", -1);
    } catch (AssertionError notAnswering) {
      return -1;
    }
  }

  /** Each name's presence entry as {@code node} reads it (null: not online). */
  static Map<String, PresenceEntry> lookUp(SignalingNode node, Iterable<String> names) {
    return TestCluster.await(lookUpLater(node, names));
  }

  /** {@link #lookUp} without waiting; fails when a lookup fails. */
  static Future<Map<String, PresenceEntry>> lookUpLater(
      SignalingNode node, Iterable<String> names) {
    Map<String, Future<PresenceEntry>> lookups = new LinkedHashMap<>();
    names.forEach(name -> lookups.put(name, node.presence().lookup(name)));
    return Future.all(new ArrayList<>(lookups.values()))
        .map(
            done -> {
              Map<String, PresenceEntry> entries = new HashMap<>();
              lookups.forEach((name, entry) -> entries.put(name, entry.result()));
              return entries;
            });
  }

  /**
   * An asynchronous check run again and again, one run at a time, from a polling loop that must not
   * block on it (a presence lookup can wait seconds for a node that is not yet declared dead);
   * remembers when it first held.
   */
  static final class Watch {
    private final Supplier<Future<Boolean>> check;
    private final long origin;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong heldAfter = new AtomicLong(-1);

    /**
     * @param origin System.nanoTime() the times are counted from
     */
    Watch(long origin, Supplier<Future<Boolean>> check) {
      this.origin = origin;
      this.check = check;
    }

    /** Starts a run unless one is under way; whether the check has held. */
    boolean poll() {
      if (heldAfter.get() < 0 && running.compareAndSet(false, true)) {
        check
            .get()
            .onComplete(
                result -> {
                  if (result.succeeded() && Boolean.TRUE.equals(result.result())) {
                    heldAfter.compareAndSet(-1, System.nanoTime() - origin);
                  }
                  running.set(false);
                });
      }
      return heldAfter.get() >= 0;
    }

    /** Nanoseconds from the origin until the check first held; -1 while it has not. */
    long heldAfter() {
      return heldAfter.get();
    }
  }

  static Set<String> names(List<User> users) {
    return users.stream().map(user -> user.name).collect(Collectors.toSet());
  }

  /**
   * Whether every room holds exactly its users that are online (all but {@code away} and the
   * abandoned), each as the session presence names, on one of {@code liveNodes}.
   */
  /** The members named in {@code gone} that some room of {@code load} still holds. */
  static Set<String> frozenMembersInRooms(SignalingNode node, CallLoad load, Set<String> gone) {
    Set<String> left = new TreeSet<>();
    for (String room : load.users().stream().map(user -> user.room).collect(Collectors.toSet())) {
      RoomState state = TestCluster.await(node.rooms().get(room));
      state.members().keySet().stream().filter(gone::contains).forEach(left::add);
    }
    return left;
  }

  static boolean roomsMatch(
      SignalingNode node, CallLoad load, Set<User> away, Set<String> liveNodes) {
    return roomsMismatch(node, load, away, liveNodes) == null;
  }

  /**
   * How the rooms differ from what the clients say (every online user in its room, each member
   * entry that of a live node and the one presence holds), or {@code null} when they do not.
   */
  static String roomsMismatch(
      SignalingNode node, CallLoad load, Set<User> away, Set<String> liveNodes) {
    Map<String, Set<String>> expected = new TreeMap<>();
    for (User user : load.users()) {
      Set<String> members = expected.computeIfAbsent(user.room, room -> new HashSet<>());
      if (!away.contains(user) && !user.abandoned) {
        members.add(user.name);
      }
    }
    Map<String, PresenceEntry> presence =
        lookUp(node, load.users().stream().map(user -> user.name).toList());
    for (Map.Entry<String, Set<String>> room : expected.entrySet()) {
      RoomState state = TestCluster.await(node.rooms().get(room.getKey()));
      if (!state.members().keySet().equals(room.getValue())) {
        return room.getKey()
            + " holds "
            + new TreeSet<>(state.members().keySet())
            + ", expected "
            + new TreeSet<>(room.getValue())
            + "; missing: "
            + load.users().stream()
                .filter(
                    user ->
                        room.getValue().contains(user.name)
                            && !state.members().containsKey(user.name))
                .map(User::describe)
                .toList();
      }
      for (Map.Entry<String, PresenceEntry> member : state.members().entrySet()) {
        if (!liveNodes.contains(member.getValue().node())
            || !member.getValue().equals(presence.get(member.getKey()))) {
          return room.getKey()
              + "'s member "
              + member.getKey()
              + " is "
              + member.getValue()
              + ", presence says "
              + presence.get(member.getKey());
        }
      }
    }
    return null;
  }

  /**
   * Whether repeated joins answer exactly each room's online users (all but {@code away} and the
   * abandoned). Asks every online user that {@code mayAsk}, or one per room when {@code
   * onePerRoom}.
   */
  static boolean joinAnswersMatch(
      CallLoad load, Set<User> away, Predicate<User> mayAsk, boolean onePerRoom) {
    Map<String, List<User>> rooms =
        load.users().stream().collect(Collectors.groupingBy(user -> user.room));
    for (List<User> members : rooms.values()) {
      Set<String> online =
          members.stream()
              .filter(user -> !away.contains(user) && !user.abandoned)
              .map(user -> user.name)
              .collect(Collectors.toSet());
      List<User> askers =
          members.stream().filter(user -> online.contains(user.name)).filter(mayAsk).toList();
      for (User asker : onePerRoom ? askers.subList(0, Math.min(1, askers.size())) : askers) {
        JsonObject joined = TestCluster.await(asker.client.join(asker.room));
        Set<String> users =
            joined.getJsonArray("users").stream().map(String::valueOf).collect(Collectors.toSet());
        if (!users.equals(online)) {
          return false;
        }
      }
    }
    return true;
  }

  static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
