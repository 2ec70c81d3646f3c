package dev.signaling.node.reliability;

import static dev.signaling.node.reliability.Checks.awaitBursts;
import static dev.signaling.node.reliability.Checks.awaitReady;
import static dev.signaling.node.reliability.Checks.joinAnswersMatch;
import static dev.signaling.node.reliability.Checks.lookUp;
import static dev.signaling.node.reliability.Checks.millis;
import static dev.signaling.node.reliability.Checks.roomsMatch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.reliability.CallLoad.Endpoint;
import dev.signaling.node.reliability.CallLoad.User;
import dev.signaling.node.support.ChildNode;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three nodes (one in this JVM, two in JVMs of their own), 300 users in call-setup loops spread
 * over them, and one of the child JVMs killed with {@code kill -9} mid-run. Users on the survivors
 * lose nothing among themselves; the dead node's users turn {@code peer-unavailable} within the
 * documented bound; their clients reconnect to a survivor and are reachable again; and no presence
 * entry or room membership of the dead node is left behind.
 */
class NodeKillUnderLoadIT {
  private static final int USERS = 300;
  private static final int ROOM_SIZE = 10;

  /**
   * The documented bound for a dead node's users to become unavailable (README, Failure detection).
   */
  private static final Duration BOUND = Duration.ofSeconds(15);

  /** Slack between a client seeing its connection end and the server acting on it. */
  private static final long SLOP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  @Test
  void survivorsLoseNothingAndTheDeadNodesUsersComeBackWithoutGhosts() throws Exception {
    long testStart = System.nanoTime();
    try (TestCluster cluster = TestCluster.start(true, 1);
        ChildNode victimNode = ChildNode.joining(cluster, "kill-under-load-b");
        ChildNode survivorNode = ChildNode.joining(cluster, "kill-under-load-c")) {
      awaitReady(victimNode);
      awaitReady(survivorNode);
      SignalingNode inProcess = cluster.node(0);
      Endpoint a = new Endpoint("A", "127.0.0.1", inProcess.httpPort());
      Endpoint b = new Endpoint("B", "127.0.0.1", victimNode.httpPort());
      Endpoint c = new Endpoint("C", "127.0.0.1", survivorNode.httpPort());
      List<Endpoint> initial = List.of(a, b, c);
      List<Endpoint> survivors = List.of(a, c);

      Ledger ledger = new Ledger();
      CallLoad load =
          new CallLoad(
              cluster.clientVertx(),
              ledger,
              "k",
              USERS,
              ROOM_SIZE,
              (user, previous, attempt) ->
                  previous == null
                      ? initial.get(user.index % 3)
                      : survivors.get((user.index + attempt) % 2),
              150,
              450,
              Duration.ofSeconds(30));
      List<User> onB = load.users().stream().filter(user -> user.index % 3 == 1).toList();
      // Of the killed node's users, some never come back, some reconnect at once (racing the
      // reaper) and the rest only once the test has checked that the dead node left nothing behind.
      Set<User> abandoned = new HashSet<>();
      Set<User> racers = new HashSet<>();
      for (int i = 0; i < onB.size(); i++) {
        if (i % 10 == 0) {
          abandoned.add(onB.get(i));
        } else if (i % 5 == 1) {
          racers.add(onB.get(i));
        }
      }
      abandoned.forEach(user -> user.abandoned = true);
      Promise<Void> gate = Promise.promise();
      load.gate(user -> racers.contains(user) ? Future.succeededFuture() : gate.future());
      load.dropBackoff(50, 1000);

      try {
        load.connectAll(50, Duration.ofSeconds(30));
        String nodeA = inProcess.nodeId();
        String nodeB = onB.get(0).nodeId;
        String nodeC = load.users().get(2).nodeId;
        assertThat(Set.of(nodeA, nodeB, nodeC)).hasSize(3);
        SignalingClient prober = cluster.login("k-prober", 0).stopRecording();

        load.startSending();
        awaitBursts(load.users(), 3, Duration.ofSeconds(30));
        Measurements.record(
            "kill under load: "
                + USERS
                + " users in call-setup loops on 3 nodes; "
                + ledger.all().size()
                + " messages sent before the kill");

        // The kill.
        long killedAt = System.nanoTime();
        victimNode.kill();

        Set<String> toReap = onB.stream().map(user -> user.name).collect(Collectors.toSet());
        Set<String> mustTurnUnavailable =
            onB.stream()
                .filter(user -> !racers.contains(user))
                .map(user -> user.name)
                .collect(Collectors.toSet());
        Map<String, Long> unavailableAfter = new ConcurrentHashMap<>();
        Set<String> probing = ConcurrentHashMap.newKeySet();
        Checks.Watch reaped =
            new Checks.Watch(
                killedAt,
                () ->
                    Checks.lookUpLater(inProcess, toReap)
                        .map(
                            entries ->
                                entries.values().stream()
                                    .noneMatch(
                                        entry -> entry != null && entry.node().equals(nodeB))));
        Poll.until(
            () -> {
              reaped.poll();
              for (String name : mustTurnUnavailable) {
                if (!unavailableAfter.containsKey(name) && probing.add(name)) {
                  CallLoad.probe(prober, List.of(name))
                      .onComplete(
                          outcome -> {
                            if (Ledger.PEER_UNAVAILABLE.equals(outcome.result().get(name))) {
                              unavailableAfter.putIfAbsent(name, System.nanoTime() - killedAt);
                            }
                            probing.remove(name);
                          });
                }
              }
              return reaped.poll() && unavailableAfter.keySet().containsAll(mustTurnUnavailable);
            },
            BOUND,
            "the killed node's users are reaped and peer-unavailable within " + BOUND);
        long slowestUnavailable =
            unavailableAfter.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        Measurements.record(
            "kill under load: the killed node's "
                + toReap.size()
                + " presence entries reaped "
                + millis(reaped.heldAfter())
                + " ms after the kill; all "
                + mustTurnUnavailable.size()
                + " probed users peer-unavailable within "
                + millis(slowestUnavailable)
                + " ms (fastest "
                + millis(
                    unavailableAfter.values().stream()
                        .mapToLong(Long::longValue)
                        .min()
                        .orElseThrow())
                + " ms)");
        assertThat(Duration.ofNanos(slowestUnavailable)).isLessThanOrEqualTo(BOUND);

        // Racers are back (they reconnected while the reaper ran); the others are still away. No
        // room keeps a member of the dead node, and the members left are exactly those who are
        // online.
        Poll.until(
            () -> racers.stream().allMatch(CallLoad::back),
            Duration.ofSeconds(20),
            "the users who reconnected at once are back in their rooms");
        Set<User> away = new HashSet<>(onB);
        away.removeAll(racers);
        Duration roomsClean =
            Poll.until(
                () -> roomsMatch(inProcess, load, away, Set.of(nodeA, nodeC)),
                Duration.ofSeconds(10),
                "every room lists exactly its online members, none on the dead node");
        Poll.until(
            () -> joinAnswersMatch(load, away, user -> user.index % 3 != 1, true),
            Duration.ofSeconds(10),
            "repeated joins answer exactly the online members");
        // Every member still online was told once of each departed member of its room.
        Set<String> departed = away.stream().map(user -> user.name).collect(Collectors.toSet());
        long lastDeparture = 0;
        int departures = 0;
        for (User member : load.users()) {
          if (away.contains(member) || racers.contains(member)) {
            continue;
          }
          for (User gone : away) {
            if (!gone.room.equals(member.room)) {
              continue;
            }
            List<CallLoad.PresenceEvent> told =
                load.presenceLog().stream()
                    .filter(
                        event ->
                            event.receiver().equals(member.name)
                                && event.name().equals(gone.name)
                                && !event.online()
                                && event.at() > killedAt)
                    .toList();
            assertThat(told)
                .as(member.name + " told of " + gone.name + "'s departure once")
                .hasSize(1);
            lastDeparture = Math.max(lastDeparture, told.get(0).at() - killedAt);
            departures++;
          }
        }
        assertThat(departed).isNotEmpty();
        Measurements.record(
            "kill under load: "
                + departures
                + " room departures announced to the members online,"
                + " each once, the last "
                + millis(lastDeparture)
                + " ms after the kill; rooms held no member of the"
                + " dead node after "
                + millis(System.nanoTime() - killedAt)
                + " ms (checked after the "
                + racers.size()
                + " racing users had re-joined; check took "
                + roomsClean.toMillis()
                + " ms)");

        // The remaining users reconnect.
        long gateOpened = System.nanoTime();
        gate.complete();
        List<User> returning = load.users().stream().filter(user -> !user.abandoned).toList();
        Poll.until(
            () -> returning.stream().allMatch(CallLoad::back),
            Duration.ofSeconds(30),
            "every user but the abandoned ones is back");
        Set<String> returningFromB =
            onB.stream()
                .filter(user -> !user.abandoned)
                .map(user -> user.name)
                .collect(Collectors.toSet());
        Map<String, Long> reachableAfter = new ConcurrentHashMap<>();
        probing.clear();
        Poll.until(
            () -> {
              for (String name : returningFromB) {
                if (!reachableAfter.containsKey(name) && probing.add(name)) {
                  CallLoad.probe(prober, List.of(name))
                      .onComplete(
                          outcome -> {
                            if (Ledger.ACK.equals(outcome.result().get(name))) {
                              reachableAfter.putIfAbsent(name, System.nanoTime() - gateOpened);
                            }
                            probing.remove(name);
                          });
                }
              }
              return reachableAfter.keySet().containsAll(returningFromB);
            },
            Duration.ofSeconds(30),
            "every user of the dead node that came back is reachable");
        Measurements.record(
            "kill under load: "
                + returningFromB.size()
                + " users of the dead node reconnected to"
                + " the survivors and were all reachable "
                + millis(
                    reachableAfter.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                + " ms after they were let go ("
                + racers.size()
                + " of them had come back "
                + millis(
                    racers.stream()
                        .mapToLong(user -> user.lastLoginAt - killedAt)
                        .max()
                        .orElseThrow())
                + " ms after the kill)");

        // Load after the recovery, then stop and let every answer come in.
        awaitBursts(returning, 3, Duration.ofSeconds(30));
        load.stopSending();
        load.settle(Duration.ofSeconds(15));
        CallLoad.awaitReceipts(ledger, Duration.ofSeconds(5));

        // No ghosts: presence names every returning user where its client is, and nobody else.
        Map<String, PresenceEntry> entries =
            lookUp(inProcess, load.users().stream().map(user -> user.name).toList());
        for (User user : load.users()) {
          if (user.abandoned) {
            assertThat(entries.get(user.name))
                .as("abandoned " + user.name + " has no presence entry")
                .isNull();
          } else {
            assertThat(entries.get(user.name)).as(user.name + "'s presence entry").isNotNull();
            assertThat(entries.get(user.name).node())
                .as(user.name + "'s presence node")
                .isEqualTo(user.nodeId)
                .isIn(nodeA, nodeC);
          }
        }
        assertThat(TestCluster.await(inProcess.presence().size()))
            .as("presence entries, cluster-wide")
            .isEqualTo(returning.size() + 1);
        assertThat(roomsMatch(inProcess, load, Set.of(), Set.of(nodeA, nodeC)))
            .as("rooms hold exactly the online users")
            .isTrue();
        assertThat(joinAnswersMatch(load, Set.of(), user -> true, false))
            .as("repeated joins answer exactly the online users")
            .isTrue();
        Map<String, String> sweep =
            TestCluster.await(
                CallLoad.probe(prober, load.users().stream().map(user -> user.name).toList()));
        for (User user : load.users()) {
          assertThat(sweep.get(user.name))
              .as("a message to " + user.name)
              .isEqualTo(user.abandoned ? Ledger.PEER_UNAVAILABLE : Ledger.ACK);
        }

        // The ledger.
        Set<String> bNames = onB.stream().map(user -> user.name).collect(Collectors.toSet());
        Ledger.Tally all = ledger.tally(message -> true);
        Ledger.Tally amongSurvivors =
            ledger.tally(message -> !bNames.contains(message.from) && !bNames.contains(message.to));
        Ledger.Tally toTheDead =
            ledger.tally(message -> !bNames.contains(message.from) && bNames.contains(message.to));
        Ledger.Tally fromTheDead = ledger.tally(message -> bNames.contains(message.from));
        long falseUnavailable =
            ledger.all().stream()
                .filter(message -> Ledger.PEER_UNAVAILABLE.equals(message.outcome))
                .filter(
                    message ->
                        !load.user(message.to)
                            .offlineDuring(
                                message.sentAt - SLOP_NANOS, message.answeredAt + SLOP_NANOS))
                .count();
        long durationMs = millis(System.nanoTime() - testStart);
        Measurements.record("kill under load: all messages: " + all);
        Measurements.record("kill under load: between users on the survivors: " + amongSurvivors);
        Measurements.record(
            "kill under load: from survivors to the killed node's users: " + toTheDead);
        Measurements.record("kill under load: from the killed node's users: " + fromTheDead);
        Measurements.record(
            "kill under load: peer-unavailable while the target was online: "
                + falseUnavailable
                + "; reconnect failures: "
                + load.reconnectFailures()
                + "; peer-left notices: "
                + load.peerLeftNotices()
                + "; room presence events: "
                + load.presenceEvents()
                + "; test took "
                + durationMs
                + " ms");

        assertThat(ledger.problems()).as("problems seen during the run").isEmpty();
        assertThat(amongSurvivors.sent).isPositive();
        assertThat(amongSurvivors.acked)
            .as("every message among survivors acked: " + amongSurvivors)
            .isEqualTo(amongSurvivors.sent);
        assertThat(amongSurvivors.received)
            .as("every message among survivors received")
            .isEqualTo(amongSurvivors.sent);
        assertThat(all.lost()).as("lost messages: " + load.describe(all.lostExamples)).isZero();
        assertThat(all.receivedTwice).as("duplicates").isZero();
        assertThat(all.answeredTwice).as("messages answered twice").isZero();
        assertThat(all.otherErrors)
            .as("errors other than peer-unavailable and delivery-failed")
            .isEmpty();
        assertThat(toTheDead.peerUnavailable)
            .as("messages to the dead node's users refused")
            .isPositive();
        assertThat(falseUnavailable).as("peer-unavailable for a user who was online").isZero();
        assertThat(fromTheDead.senderClosed.keySet())
            .as("only the kill closed senders' connections")
            .isSubsetOf(1006);
        assertThat(load.reconnectFailures()).isZero();
      } finally {
        load.shutdown();
      }
    }
  }
}
