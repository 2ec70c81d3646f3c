package dev.signaling.node.reliability;

import static dev.signaling.node.reliability.Checks.awaitBursts;
import static dev.signaling.node.reliability.Checks.awaitReady;
import static dev.signaling.node.reliability.Checks.frozenMembersInRooms;
import static dev.signaling.node.reliability.Checks.joinAnswersMatch;
import static dev.signaling.node.reliability.Checks.lookUp;
import static dev.signaling.node.reliability.Checks.members;
import static dev.signaling.node.reliability.Checks.millis;
import static dev.signaling.node.reliability.Checks.names;
import static dev.signaling.node.reliability.Checks.roomsMatch;
import static dev.signaling.node.reliability.Checks.roomsMismatch;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A node of three, in a JVM of its own, frozen with SIGSTOP for 20 s under load, then continued: no
 * socket closes, so only missing heartbeats tell the cluster, and the node's clients stay connected
 * to a node that does nothing. The survivors declare it dead and carry on; after the thaw the node
 * finds it was cut off, rejoins (its side's presence and rooms are discarded in the merge) and
 * sends its clients away; they log in again and are reachable.
 */
class FreezeUnderLoadIT {
  private static final int USERS = 150;
  private static final int ROOM_SIZE = 10;
  private static final Duration FREEZE = Duration.ofSeconds(20);
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final Duration MERGE_BOUND = Duration.ofSeconds(90);

  /** Ten periods of PRESENCE_REASSERT_SECONDS (3), and a margin. */
  private static final Duration REASSERTED = Duration.ofSeconds(40);

  @Test
  @Disabled(
      "Open finding (docs/reliability.md, section 4): in about one run in five the two survivors split"
          + " from each other soon after the frozen node is reaped (the in-process node's heartbeats"
          + " stop for 5-8 s), so messages between them are refused meanwhile")
  void aNodeFrozenForTwentySecondsIsDeclaredDeadThenSendsItsClientsBackIntoTheCluster()
      throws Exception {
    long testStart = System.nanoTime();
    // The nodes list each other's exact Hazelcast addresses. With the default
    // CLUSTER_MEMBERS=127.0.0.1 (10 ports tried per host), a node cut off searches every one of
    // those ports for the cluster it lost, waiting up to 5 s for each port where nothing answers:
    // the rejoin then takes ~40 s instead of ~5 s. -Dfreeze.clusterMembers=default runs the test
    // that way.
    Map<String, String> clusterSettings = new HashMap<>();
    String membersMode = System.getProperty("freeze.clusterMembers", "exact");
    if (!"default".equals(membersMode)) {
      int base = NodeProcess.freePortRange(3);
      clusterSettings.put("CLUSTER_PORT", Integer.toString(base));
      clusterSettings.put(
          "CLUSTER_MEMBERS",
          "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2));
    }
    try (TestCluster cluster = TestCluster.start(true, 1, clusterSettings);
        ChildNode frozenNode = ChildNode.joining(cluster, "freeze-under-load-b", clusterSettings);
        ChildNode survivorNode =
            ChildNode.joining(cluster, "freeze-under-load-c", clusterSettings)) {
      awaitReady(frozenNode);
      awaitReady(survivorNode);
      SignalingNode inProcess = cluster.node(0);
      List<Endpoint> endpoints =
          List.of(
              new Endpoint("A", "127.0.0.1", inProcess.httpPort()),
              new Endpoint("B", "127.0.0.1", frozenNode.httpPort()),
              new Endpoint("C", "127.0.0.1", survivorNode.httpPort()));
      Ledger ledger = new Ledger();
      CallLoad load =
          new CallLoad(
              cluster.clientVertx(),
              ledger,
              "f",
              USERS,
              ROOM_SIZE,
              CallLoad.Placement.spreadOverThree(endpoints),
              150,
              450,
              Duration.ofSeconds(40));
      try {
        load.connectAll(50, Duration.ofSeconds(30));
        List<User> onB = load.users().stream().filter(user -> user.index % 3 == 1).toList();
        List<User> survivors = load.users().stream().filter(user -> user.index % 3 != 1).toList();
        Set<String> bNames = names(onB);
        String nodeB = onB.get(0).nodeId;
        Set<String> liveNodes = Set.of(inProcess.nodeId(), load.users().get(2).nodeId);
        SignalingClient prober = cluster.login("f-prober", 0).stopRecording();
        load.startSending();
        awaitBursts(load.users(), 3, Duration.ofSeconds(30));

        long frozenAt = System.nanoTime();
        frozenNode.freeze();
        Checks.Watch reaped =
            new Checks.Watch(
                frozenAt,
                () ->
                    Checks.lookUpLater(inProcess, bNames)
                        .map(
                            entries -> entries.values().stream().allMatch(entry -> entry == null)));
        Map<String, Long> unavailableAfter = new ConcurrentHashMap<>();
        Set<String> probing = ConcurrentHashMap.newKeySet();
        Poll.until(
            () -> {
              reaped.poll();
              for (String name : bNames) {
                if (!unavailableAfter.containsKey(name) && probing.add(name)) {
                  CallLoad.probe(prober, List.of(name))
                      .onComplete(
                          outcome -> {
                            if (Ledger.PEER_UNAVAILABLE.equals(outcome.result().get(name))) {
                              unavailableAfter.putIfAbsent(name, System.nanoTime() - frozenAt);
                            }
                            probing.remove(name);
                          });
                }
              }
              return reaped.poll() && unavailableAfter.keySet().containsAll(bNames);
            },
            BOUND,
            "the frozen node's users are reaped and peer-unavailable within " + BOUND);
        long slowest =
            unavailableAfter.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        Set<User> away = new HashSet<>(onB);
        Poll.until(
            () -> frozenMembersInRooms(inProcess, load, bNames).isEmpty(),
            Duration.ofSeconds(10),
            () ->
                "the survivors' rooms hold no member of the frozen node: still "
                    + frozenMembersInRooms(inProcess, load, bNames));
        // Survivors' own memberships have been seen to go missing around the reaping (2 of a room's
        // 7 once in a few runs); each node's re-assertion puts back what its sessions lost, at the
        // latest on its full pass every tenth period. The test waits for that, and says how long.
        String[] mismatch = {null};
        Duration roomsExact =
            Poll.until(
                () -> (mismatch[0] = roomsMismatch(inProcess, load, away, liveNodes)) == null,
                REASSERTED,
                () -> "every survivor is in its room again: " + mismatch[0]);
        Poll.until(
            () -> joinAnswersMatch(load, away, user -> !away.contains(user), true),
            Duration.ofSeconds(10),
            "repeated joins on the survivors answer exactly the survivors");
        // The frozen node's clients notice nothing: their connections stay open.
        assertThat(onB).allMatch(user -> !user.client.isClosed());
        Measurements.record(
            "freeze under load: "
                + USERS
                + " users on 3 nodes, one frozen (SIGSTOP) for "
                + FREEZE.toSeconds()
                + " s: its "
                + onB.size()
                + " presence entries reaped "
                + millis(reaped.heldAfter())
                + " ms after the freeze, all its users peer-unavailable within "
                + millis(slowest)
                + " ms; its clients"
                + " stayed connected; rooms exact "
                + roomsExact.toMillis()
                + " ms after that; survivors sent away meanwhile (a split of their own node): "
                + survivors.stream().mapToInt(user -> user.goAways.get()).sum());

        // The rest of the freeze: the survivors carry on among themselves.
        Map<User, Long> before = new HashMap<>();
        survivors.forEach(user -> before.put(user, user.seq.get()));
        Poll.until(
            () -> System.nanoTime() - frozenAt >= FREEZE.toNanos(),
            FREEZE.plusSeconds(5),
            "the freeze lasts " + FREEZE);
        assertThat(survivors)
            .as("survivors kept sending during the freeze")
            .allMatch(user -> user.seq.get() - before.get(user) >= CallLoad.BURST);

        long thawedAt = System.nanoTime();
        frozenNode.thaw();
        Map<User, Integer> goAwaysBefore = new HashMap<>();
        onB.forEach(user -> goAwaysBefore.put(user, user.goAways.get()));
        Map<User, Long> sentAway = new ConcurrentHashMap<>();
        long[] whole = {-1};
        Poll.until(
            () -> {
              for (User user : onB) {
                if (user.goAways.get() > goAwaysBefore.get(user)) {
                  sentAway.putIfAbsent(user, System.nanoTime() - thawedAt);
                }
              }
              if (whole[0] < 0 && members(inProcess.httpPort()) == 3) {
                whole[0] = System.nanoTime() - thawedAt;
              }
              return sentAway.size() == onB.size() && whole[0] >= 0;
            },
            MERGE_BOUND,
            "after the thaw the node rejoins and sends its clients away");
        Poll.until(
            () -> load.users().stream().allMatch(CallLoad::back),
            Duration.ofSeconds(30),
            "every user is back");
        Map<String, String> sweep = TestCluster.await(CallLoad.probe(prober, names(load.users())));
        long routable = System.nanoTime() - thawedAt;
        for (User user : load.users()) {
          assertThat(sweep.get(user.name))
              .as("after the thaw, a message to " + user.name)
              .isEqualTo(Ledger.ACK);
        }
        Measurements.record(
            "freeze under load (CLUSTER_MEMBERS "
                + membersMode
                + "): after the thaw the node sent"
                + " its clients away "
                + millis(sentAway.values().stream().mapToLong(Long::longValue).min().orElseThrow())
                + "-"
                + millis(sentAway.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                + " ms later; the in-process node counted 3 members again after "
                + millis(whole[0])
                + " ms; every user routable "
                + millis(routable)
                + " ms after the thaw");

        Set<String> allNodes = new HashSet<>(liveNodes);
        allNodes.add(nodeB);
        Map<String, PresenceEntry> entries = lookUp(inProcess, names(load.users()));
        for (User user : load.users()) {
          assertThat(entries.get(user.name)).as(user.name + "'s presence entry").isNotNull();
          assertThat(entries.get(user.name).node())
              .as(user.name + "'s presence node")
              .isEqualTo(user.nodeId)
              .isIn(allNodes);
        }
        assertThat(TestCluster.await(inProcess.presence().size()))
            .as("presence entries")
            .isEqualTo(USERS + 1);
        // The node that rejoined takes clients again, reachable from the others.
        SignalingClient newcomer = frozenNode.login(cluster, "f-newcomer");
        assertThat(TestCluster.await(CallLoad.probe(prober, List.of("f-newcomer"))))
            .as("a user logged in on the thawed node, from a survivor")
            .containsEntry("f-newcomer", Ledger.ACK);
        newcomer.close();
        assertThat(roomsMatch(inProcess, load, Set.of(), allNodes))
            .as("rooms hold exactly the online users")
            .isTrue();
        assertThat(joinAnswersMatch(load, Set.of(), user -> true, false))
            .as("repeated joins")
            .isTrue();

        awaitBursts(load.users(), 3, Duration.ofSeconds(30));
        load.stopSending();
        load.settle(Duration.ofSeconds(15));
        CallLoad.awaitReceipts(ledger, Duration.ofSeconds(5));

        Ledger.Tally all = ledger.tally(message -> true);
        Ledger.Tally amongSurvivors =
            ledger.tally(message -> !bNames.contains(message.from) && !bNames.contains(message.to));
        Ledger.Tally toFrozen =
            ledger.tally(message -> !bNames.contains(message.from) && bNames.contains(message.to));
        Ledger.Tally fromFrozen = ledger.tally(message -> bNames.contains(message.from));
        Measurements.record("freeze under load: all messages: " + all);
        Measurements.record("freeze under load: between users on the survivors: " + amongSurvivors);
        Measurements.record(
            "freeze under load: from survivors to the frozen node's users: " + toFrozen);
        Measurements.record("freeze under load: from the frozen node's users: " + fromFrozen);
        Measurements.record(
            "freeze under load: reconnect failures "
                + load.reconnectFailures()
                + "; test took "
                + millis(System.nanoTime() - testStart)
                + " ms");

        assertThat(ledger.problems()).as("problems seen during the run").isEmpty();
        assertThat(amongSurvivors.acked)
            .as("every message among survivors acked: " + amongSurvivors)
            .isEqualTo(amongSurvivors.sent);
        assertThat(amongSurvivors.received).isEqualTo(amongSurvivors.sent);
        assertThat(all.lost()).as("lost messages: " + load.describe(all.lostExamples)).isZero();
        assertThat(all.receivedTwice).as("duplicates").isZero();
        assertThat(all.answeredTwice).as("messages answered twice").isZero();
        assertThat(toFrozen.peerUnavailable)
            .as("messages to the frozen node's users refused")
            .isPositive();
        assertThat(load.reconnectFailures()).isZero();
      } finally {
        load.shutdown();
      }
    }
  }
}
