package dev.signaling.node.reliability;

import static dev.signaling.node.reliability.Checks.awaitBursts;
import static dev.signaling.node.reliability.Checks.joinAnswersMatch;
import static dev.signaling.node.reliability.Checks.lookUp;
import static dev.signaling.node.reliability.Checks.members;
import static dev.signaling.node.reliability.Checks.millis;
import static dev.signaling.node.reliability.Checks.names;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.reliability.CallLoad.Endpoint;
import dev.signaling.node.reliability.CallLoad.User;
import dev.signaling.node.rooms.RoomState;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A network partition: one node of three, in a network namespace of its own, loses all cluster
 * traffic (packets silently dropped both ways) while its clients stay connected to it; then the
 * network heals. Each side declares the other dead and carries on alone; the isolated node, which
 * kept only part of the cluster's data, restores its own users' presence entries and room
 * memberships, so it reaches all of them and their rooms hold exactly them. After the heal,
 * Hazelcast merges the smaller side into the larger one, discarding the smaller side's presence and
 * rooms (DiscardMergePolicy), and the node that lost sends its clients away to log in again.
 * Afterwards presence and rooms describe exactly the users online, and every user is routable
 * again.
 *
 * <p>Needs root and iproute2 (network namespaces, veth, tc with tbf). Skipped without them, unless
 * the environment variable {@code CI} is {@code true}: then it fails.
 */
class PartitionHealIT {
  private static final int USERS = 60;
  private static final int ROOM_SIZE = 10;
  private static final int CLUSTER_PORT = 5701;

  /** The README's bound for declaring an unreachable node dead. */
  private static final Duration BOUND = Duration.ofSeconds(15);

  /** How soon after the cut the isolated node must reach all of its own users again. */
  private static final Duration OWN_USERS_BOUND = Duration.ofSeconds(10);

  /** How long the merge may take after the heal; NodeDeathIT measured 42 s from a thaw. */
  private static final Duration MERGE_BOUND = Duration.ofSeconds(90);

  @Test
  void aPartitionedNodeRejoinsAfterTheHealAndPresenceAndRoomsConverge() throws Exception {
    long testStart = System.nanoTime();
    IsolatedNetwork network = isolatedNetworkOrSkip();
    String host = network.hostClusterAddress();
    String members =
        host
            + ":"
            + CLUSTER_PORT
            + ","
            + host
            + ":"
            + (CLUSTER_PORT + 1)
            + ","
            + network.nodeClusterAddress()
            + ":"
            + CLUSTER_PORT;
    try (network;
        TestCluster majority =
            TestCluster.start(
                true,
                2,
                Map.of(
                    "CLUSTER_HOST",
                    host,
                    "CLUSTER_PORT",
                    Integer.toString(CLUSTER_PORT),
                    "CLUSTER_MEMBERS",
                    members));
        NodeProcess lone =
            NodeProcess.start(
                "partition-lone",
                network.prefix(),
                network.nodeClientAddress(),
                NodeProcess.freePort(),
                Map.of(
                    "CLUSTER_NAME",
                    majority.clusterName(),
                    "CLUSTER_HOST",
                    network.nodeClusterAddress(),
                    "CLUSTER_PORT",
                    Integer.toString(CLUSTER_PORT),
                    "CLUSTER_MEMBERS",
                    members))) {
      SignalingNode a = majority.node(0);
      SignalingNode b = majority.node(1);
      Poll.until(
          () -> {
            if (!lone.isAlive()) {
              throw new AssertionError("the isolated node exited; see " + lone.log());
            }
            return lone.clusterMembers() == 3
                && members(a.httpPort()) == 3
                && members(b.httpPort()) == 3
                && lone.status("/health/ready") == 200;
          },
          Duration.ofSeconds(90),
          "the node in the namespace joins the cluster");

      Endpoint ea = new Endpoint("A", "127.0.0.1", a.httpPort());
      Endpoint eb = new Endpoint("B", "127.0.0.1", b.httpPort());
      Endpoint el = new Endpoint("L", lone.host(), lone.httpPort());
      List<Endpoint> endpoints = List.of(ea, eb, el);
      Ledger ledger = new Ledger();
      CallLoad load =
          new CallLoad(
              majority.clientVertx(),
              ledger,
              "p",
              USERS,
              ROOM_SIZE,
              CallLoad.Placement.spreadOverThree(endpoints),
              150,
              450,
              Duration.ofSeconds(40));
      try {
        load.connectAll(30, Duration.ofSeconds(30));
        List<User> onLone = load.users().stream().filter(user -> user.index % 3 == 2).toList();
        List<User> onMajority = load.users().stream().filter(user -> user.index % 3 != 2).toList();
        Set<String> loneNames = names(onLone);
        String loneId = onLone.get(0).nodeId;
        SignalingClient majorityProber = majority.login("p-prober", 0).stopRecording();
        SignalingClient loneProber = login(majority, el, "p-lone-prober");
        load.startSending();
        awaitBursts(load.users(), 3, Duration.ofSeconds(30));

        // The cut.
        long cutAt = System.nanoTime();
        network.cut();
        long[] loneAlone = {-1};
        long[] majorityOfTwo = {-1};
        // Lookups of the isolated users wait for the cluster to give up on their partitions' owner,
        // so they run in the background while the membership views are watched.
        Checks.Watch majorityReaped =
            new Checks.Watch(
                cutAt,
                () ->
                    Checks.lookUpLater(a, loneNames)
                        .map(
                            entries -> entries.values().stream().allMatch(entry -> entry == null)));
        Poll.until(
            () -> {
              majorityReaped.poll();
              if (loneAlone[0] < 0 && lone.clusterMembers() == 1) {
                loneAlone[0] = System.nanoTime() - cutAt;
              }
              if (majorityOfTwo[0] < 0 && members(a.httpPort()) == 2) {
                majorityOfTwo[0] = System.nanoTime() - cutAt;
              }
              return majorityReaped.poll() && loneAlone[0] >= 0 && majorityOfTwo[0] >= 0;
            },
            BOUND,
            "both sides declare the other dead");

        // During the split: the majority has no trace of the isolated users, in presence or rooms.
        // (A message routed before a side reaped the other may still end in delivery-failed; each
        // side is probed until it refuses the other side's users outright.)
        Map<String, String> fromMajority = new ConcurrentHashMap<>();
        Poll.until(
            () -> {
              fromMajority.putAll(
                  TestCluster.await(CallLoad.probe(majorityProber, names(load.users()))));
              return load.users().stream()
                  .allMatch(
                      user ->
                          fromMajority
                              .get(user.name)
                              .equals(
                                  loneNames.contains(user.name)
                                      ? Ledger.PEER_UNAVAILABLE
                                      : Ledger.ACK));
            },
            BOUND,
            "during the split, the majority refuses the isolated users and reaches its own: "
                + fromMajority);
        long majorityRefuses = System.nanoTime() - cutAt;
        for (String room : load.users().stream().map(user -> user.room).distinct().toList()) {
          RoomState state = TestCluster.await(a.rooms().get(room));
          assertThat(state.members().keySet())
              .as("during the split, the majority's " + room)
              .doesNotContainAnyElementsOf(loneNames)
              .containsExactlyInAnyOrderElementsOf(
                  onMajority.stream()
                      .filter(user -> user.room.equals(room))
                      .map(user -> user.name)
                      .toList());
        }
        // The isolated side, alone, cannot reach the majority's users. It kept copies of only part
        // of the cluster's data (the partitions whose two copies were both on the other side are
        // empty here), so it restores the entries of its own users that were there: it reaches
        // every one of them.
        Map<String, String> fromLone = new ConcurrentHashMap<>();
        long[] loneRefuses = {-1};
        long[] loneReachesOwn = {-1};
        Poll.until(
            () -> {
              // Probed apart: messages to the other side may wait for it to be declared dead.
              var othersRound = CallLoad.probe(loneProber, names(onMajority));
              Map<String, String> own = TestCluster.await(CallLoad.probe(loneProber, loneNames));
              if (loneReachesOwn[0] < 0
                  && onLone.stream().allMatch(user -> Ledger.ACK.equals(own.get(user.name)))) {
                loneReachesOwn[0] = System.nanoTime() - cutAt;
              }
              Map<String, String> others = TestCluster.await(othersRound);
              if (loneRefuses[0] < 0
                  && onMajority.stream()
                      .allMatch(user -> Ledger.PEER_UNAVAILABLE.equals(others.get(user.name)))) {
                loneRefuses[0] = System.nanoTime() - cutAt;
              }
              fromLone.putAll(own);
              fromLone.putAll(others);
              return loneRefuses[0] >= 0 && loneReachesOwn[0] >= 0;
            },
            BOUND,
            "during the split, the isolated node refuses the majority's users and reaches its own: "
                + fromLone);
        assertThat(Duration.ofNanos(loneReachesOwn[0]))
            .as("the isolated node reaches all of its own users")
            .isLessThanOrEqualTo(OWN_USERS_BOUND);
        // Their rooms hold exactly them on that side, and each was told once of each majority
        // member's going.
        Duration loneRoomsExact =
            Poll.until(
                () ->
                    joinAnswersMatch(
                        load, Set.copyOf(onMajority), user -> loneNames.contains(user.name), false),
                OWN_USERS_BOUND,
                "during the split, the isolated users' rooms hold exactly them");
        long loneRoomsMs = millis(System.nanoTime() - cutAt);
        Poll.until(
            () ->
                onLone.stream()
                    .allMatch(
                        member ->
                            onMajority.stream()
                                .filter(gone -> gone.room.equals(member.room))
                                .allMatch(gone -> departuresTold(load, member, gone, cutAt) > 0)),
            OWN_USERS_BOUND,
            "during the split, the isolated users are told of each majority member of their room going");
        long departuresTold = 0;
        for (User member : onLone) {
          for (User gone : onMajority) {
            if (gone.room.equals(member.room)) {
              assertThat(departuresTold(load, member, gone, cutAt))
                  .as(member.name + " told of " + gone.name + "'s going, on the isolated side")
                  .isEqualTo(1);
              departuresTold++;
            }
          }
        }
        // A name can be taken on both sides while they cannot see each other.
        SignalingClient twinOnMajority = majority.login("p-twin", 1).stopRecording();
        SignalingClient twinOnLone = login(majority, el, "p-twin");
        assertThat(twinOnMajority.isClosed()).isFalse();
        assertThat(twinOnLone.isClosed()).isFalse();
        long splitMs = millis(System.nanoTime() - cutAt);
        Measurements.record(
            "partition: cut by tc tbf drop on the cluster link: majority reaped the isolated node's "
                + onLone.size()
                + " users after "
                + millis(majorityReaped.heldAfter())
                + " ms, majority saw 2 members after "
                + millis(majorityOfTwo[0])
                + " ms, the isolated node saw itself alone after "
                + millis(loneAlone[0])
                + " ms; probes found every isolated user peer-unavailable from the majority by "
                + millis(majorityRefuses)
                + " ms and every majority user peer-unavailable from the isolated node by "
                + millis(loneRefuses[0])
                + " ms; the isolated node reached all of its own "
                + onLone.size()
                + " users by "
                + millis(loneReachesOwn[0])
                + " ms ("
                + millis(loneReachesOwn[0] - loneAlone[0])
                + " ms after it saw itself alone); their rooms held exactly them by "
                + loneRoomsMs
                + " ms (checked for "
                + loneRoomsExact.toMillis()
                + " ms), and "
                + departuresTold
                + " departures of majority members were"
                + " told each once; \"p-twin\" logged in on both sides");

        // The heal.
        long healedAt = System.nanoTime();
        network.heal();
        Map<User, Long> goneAway = new ConcurrentHashMap<>();
        Map<User, Integer> goAwaysBefore = new HashMap<>();
        onLone.forEach(user -> goAwaysBefore.put(user, user.goAways.get()));
        long[] whole = {-1};
        Poll.until(
            () -> {
              for (User user : onLone) {
                if (user.goAways.get() > goAwaysBefore.get(user)) {
                  goneAway.putIfAbsent(user, System.nanoTime() - healedAt);
                }
              }
              if (whole[0] < 0
                  && lone.clusterMembers() == 3
                  && members(a.httpPort()) == 3
                  && members(b.httpPort()) == 3) {
                whole[0] = System.nanoTime() - healedAt;
              }
              return goneAway.size() == onLone.size() && whole[0] >= 0;
            },
            MERGE_BOUND,
            "after the heal, the nodes form one cluster and the isolated node sends its clients away");
        long firstGoAway =
            goneAway.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long lastGoAway = goneAway.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        TestCluster.await(twinOnLone.closeFuture());
        Poll.until(
            () -> load.users().stream().allMatch(CallLoad::back),
            Duration.ofSeconds(30),
            "every user is back");
        Map<String, String> sweep =
            TestCluster.await(CallLoad.probe(majorityProber, names(load.users())));
        long routableMs = millis(System.nanoTime() - healedAt);
        for (User user : load.users()) {
          assertThat(sweep.get(user.name))
              .as("after the heal, a message to " + user.name)
              .isEqualTo(Ledger.ACK);
        }
        Measurements.record(
            "partition: healed after "
                + splitMs
                + " ms of split; the isolated node sent its "
                + onLone.size()
                + " clients away "
                + millis(firstGoAway)
                + "-"
                + millis(lastGoAway)
                + " ms after the heal; all three nodes saw one cluster of 3 again after "
                + millis(whole[0])
                + " ms; every user routable again "
                + routableMs
                + " ms after the heal");

        // Presence and rooms converge: exactly the users online, each where its client is
        // connected.
        Map<String, PresenceEntry> entries = lookUp(a, names(load.users()));
        Set<String> liveNodes = Set.of(a.nodeId(), b.nodeId(), loneId);
        for (User user : load.users()) {
          assertThat(entries.get(user.name)).as(user.name + "'s presence entry").isNotNull();
          assertThat(entries.get(user.name).node())
              .as(user.name + "'s presence node")
              .isEqualTo(user.nodeId)
              .isIn(liveNodes);
        }
        assertThat(TestCluster.await(a.presence().lookup("p-twin")).node())
            .as("the majority's twin survives")
            .isEqualTo(b.nodeId());
        assertThat(TestCluster.await(a.presence().lookup("p-lone-prober")))
            .as("the isolated side's prober, sent away")
            .isNull();
        // The users, the majority's prober and the majority's twin; each node's entries are its
        // sessions.
        assertThat(TestCluster.await(a.presence().size()))
            .as("presence entries")
            .isEqualTo(USERS + 2);
        for (String node : liveNodes) {
          long sessions =
              load.users().stream().filter(user -> user.nodeId.equals(node)).count()
                  + (node.equals(a.nodeId()) ? 1 : 0)
                  + (node.equals(b.nodeId()) ? 1 : 0);
          assertThat(TestCluster.await(a.presence().countOn(node)))
              .as("presence entries of node " + node)
              .isEqualTo((int) sessions);
        }
        // The node that rejoined takes clients again, reachable from the others.
        SignalingClient newcomer = login(majority, el, "p-newcomer");
        assertThat(TestCluster.await(CallLoad.probe(majorityProber, List.of("p-newcomer"))))
            .as("a user logged in on the rejoined node, from the majority")
            .containsEntry("p-newcomer", Ledger.ACK);
        newcomer.close();
        for (String room : load.users().stream().map(user -> user.room).distinct().toList()) {
          RoomState state = TestCluster.await(b.rooms().get(room));
          List<User> inRoom = load.users().stream().filter(user -> user.room.equals(room)).toList();
          assertThat(state.members().keySet())
              .as(room + " after the heal")
              .containsExactlyInAnyOrderElementsOf(names(inRoom));
          for (User user : inRoom) {
            assertThat(state.members().get(user.name))
                .as(user.name + " in " + room)
                .isEqualTo(entries.get(user.name));
          }
        }
        for (User user : load.users()) {
          JsonObject joined = TestCluster.await(user.client.join(user.room));
          assertThat(
                  joined.getJsonArray("users").stream()
                      .map(String::valueOf)
                      .collect(Collectors.toSet()))
              .as(user.name + "'s room after the heal")
              .isEqualTo(
                  names(
                      load.users().stream()
                          .filter(other -> other.room.equals(user.room))
                          .toList()));
        }

        awaitBursts(load.users(), 3, Duration.ofSeconds(30));
        load.stopSending();
        load.settle(Duration.ofSeconds(15));
        CallLoad.awaitReceipts(ledger, Duration.ofSeconds(5));

        Ledger.Tally all = ledger.tally(message -> true);
        Ledger.Tally withinMajority =
            ledger.tally(
                message -> !loneNames.contains(message.from) && !loneNames.contains(message.to));
        Ledger.Tally acrossTheSplit =
            ledger.tally(
                message -> loneNames.contains(message.from) != loneNames.contains(message.to));
        long durationMs = millis(System.nanoTime() - testStart);
        Measurements.record("partition: all messages: " + all);
        Measurements.record("partition: between users of the majority: " + withinMajority);
        Measurements.record(
            "partition: between the isolated node's users and the majority's: " + acrossTheSplit);
        Measurements.record(
            "partition: reconnect failures "
                + load.reconnectFailures()
                + "; test took "
                + durationMs
                + " ms; network commands: "
                + String.join(" && ", network.commands()));

        assertThat(ledger.problems()).as("problems seen during the run").isEmpty();
        assertThat(withinMajority.acked)
            .as("every message within the majority acked: " + withinMajority)
            .isEqualTo(withinMajority.sent);
        assertThat(withinMajority.received).isEqualTo(withinMajority.sent);
        assertThat(all.lost()).as("lost messages: " + load.describe(all.lostExamples)).isZero();
        assertThat(all.receivedTwice).as("duplicates").isZero();
        assertThat(all.answeredTwice).as("messages answered twice").isZero();
        assertThat(acrossTheSplit.peerUnavailable)
            .as("messages across the split refused")
            .isPositive();
        assertThat(load.reconnectFailures()).isZero();
      } finally {
        load.shutdown();
      }
    }
  }

  private static IsolatedNetwork isolatedNetworkOrSkip() throws InterruptedException {
    try {
      return IsolatedNetwork.create();
    } catch (IOException unavailable) {
      String why =
          "cannot isolate a node's network here (needs root, iproute2's ip and tc, network namespaces,"
              + " veth and tbf): "
              + unavailable.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why, unavailable);
      }
      Assumptions.abort(why);
      throw new IllegalStateException("not reached");
    }
  }

  /**
   * How many times {@code member} was told, after {@code since}, that {@code gone} left its room.
   */
  private static long departuresTold(CallLoad load, User member, User gone, long since) {
    return load.presenceLog().stream()
        .filter(
            event ->
                event.receiver().equals(member.name)
                    && event.name().equals(gone.name)
                    && !event.online()
                    && event.at() > since)
        .count();
  }

  private static SignalingClient login(TestCluster cluster, Endpoint endpoint, String name) {
    SignalingClient client =
        TestCluster.await(
            SignalingClient.connect(cluster.clientVertx(), endpoint.host(), endpoint.port()));
    TestCluster.await(client.login(name));
    return client.stopRecording();
  }
}
