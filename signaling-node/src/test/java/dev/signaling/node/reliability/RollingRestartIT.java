package dev.signaling.node.reliability;

import static dev.signaling.node.reliability.Checks.awaitBursts;
import static dev.signaling.node.reliability.Checks.millis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.reliability.CallLoad.Endpoint;
import dev.signaling.node.reliability.CallLoad.User;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Three nodes (or {@code rolling.nodes}), each in a JVM of its own, restarted one after the other
 * as an orchestrator would: SIGTERM (the node drains: {@code go-away}, close 1001), exit, a new JVM
 * on the same ports, and on to the next node once the cluster is ready again. Meanwhile 150 users
 * keep exchanging call-setup messages; those sent away reconnect to another node after {@code
 * reconnectAfterMs}. Nothing between connected users is lost or duplicated, and every message is
 * answered: an {@code ack}, or {@code peer-unavailable} when its target was in the middle of its
 * own reconnect.
 */
class RollingRestartIT {
  private static final int USERS = 150;
  private static final int ROOM_SIZE = 10;
  private static final int DRAIN_SECONDS = 3;

  /**
   * Nodes in the cluster: 3 in {@code mvn verify}; {@code -Drolling.nodes=10} runs the same test on
   * ten (docs/scaling.md), too heavy for every build on two cores.
   */
  private static final int NODES = Integer.getInteger("rolling.nodes", 3);

  /**
   * The nodes' heartbeat silence before a member is declared dead: the node default (5 s) at three
   * nodes, longer with more. At ten on two cores (load average about 34) members went without the
   * master's heartbeats for more than 5 s while a restarted node joined, in all three runs with the
   * default, and in two of them the cluster split; the beats were sent on time and held on the way,
   * for reasons not yet known (docs/scaling.md). Nodes here leave by SIGTERM, announced at once by
   * their closed connections, so a longer silence delays nothing the test measures.
   */
  private static final Duration MAX_NO_HEARTBEAT = scaled(Duration.ofSeconds(5));

  /** The nodes' default DELIVERY_TIMEOUT_MS. */
  private static final int DELIVERY_TIMEOUT_SECONDS = 3;

  private static final long SLOP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  @Test
  void aRollingRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
    run(false);
  }

  /**
   * The same with clients that resume their session: a message to a user being sent away is held
   * for it, not refused, so nobody who comes back is ever unavailable.
   */
  @Test
  void withClientsThatResumeNobodyWhoComesBackIsEverUnavailable() throws Exception {
    run(true);
  }

  private void run(boolean resume) throws Exception {
    String mode = resume ? "rolling restart with resume" : "rolling restart";
    long testStart = System.nanoTime();
    String clusterName = "rolling-" + UUID.randomUUID();
    int clusterBase = NodeProcess.freePortRange(10 * NODES);
    int[] clusterPorts = new int[NODES];
    int[] httpPorts = new int[NODES];
    for (int i = 0; i < NODES; i++) {
      clusterPorts[i] = clusterBase + 10 * i;
      httpPorts[i] = NodeProcess.freePort();
    }
    String members =
        Arrays.stream(clusterPorts)
            .mapToObj(port -> "127.0.0.1:" + port)
            .collect(Collectors.joining(","));
    NodeProcess[] nodes = new NodeProcess[NODES];
    List<NodeProcess> everyProcess = new ArrayList<>();
    Vertx clientVertx = Vertx.vertx();
    CallLoad load = null;
    try {
      // One after another, as a Deployment's scale-up adds pods: many JVMs started at once on two
      // cores
      // form several clusters that merge later.
      for (int i = 0; i < NODES; i++) {
        nodes[i] = start(clusterName, members, clusterPorts[i], httpPorts[i], i, 1, resume);
        everyProcess.add(nodes[i]);
        awaitAllReady(Arrays.copyOf(nodes, i + 1), Duration.ofSeconds(90));
      }
      List<Endpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        endpoints.add(new Endpoint("n" + i, "127.0.0.1", httpPorts[i]));
      }

      Ledger ledger = new Ledger();
      load =
          new CallLoad(
              clientVertx,
              ledger,
              "r",
              USERS,
              ROOM_SIZE,
              (user, previous, attempt) -> {
                if (previous == null) {
                  return endpoints.get(user.index % NODES);
                }
                // Another node than the one that sent the client away; on a failed attempt, the
                // next one.
                int skip = endpoints.indexOf(previous);
                List<Endpoint> others = new ArrayList<>(endpoints);
                others.remove(skip);
                return others.get((user.index + attempt) % others.size());
              },
              150,
              450,
              Duration.ofSeconds(40));
      if (resume) {
        load.resuming();
      }
      CallLoad running = load;
      load.connectAll(50, Duration.ofSeconds(30));
      load.startSending();
      awaitBursts(load.users(), 3, Duration.ofSeconds(30));

      // A few users leave for good: at the end they must be unavailable, not resurrected by a
      // migration.
      List<User> leavers = load.users().stream().filter(user -> user.index % 25 == 7).toList();
      for (User leaver : leavers) {
        TestCluster.await(load.leaveForGood(leaver));
      }

      List<String> restarts = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        int node = i;
        List<User> onNode =
            load.users().stream()
                .filter(user -> CallLoad.back(user) && user.endpoint.equals(endpoints.get(node)))
                .toList();
        Map<User, Integer> goAwaysBefore = new HashMap<>();
        onNode.forEach(user -> goAwaysBefore.put(user, user.goAways.get()));
        long terminated = System.nanoTime();
        nodes[i].terminate();
        OptionalInt exit =
            nodes[i].awaitExit(
                // The node's own limit (drain, answers due, leaving), and a margin.
                Duration.ofSeconds(DRAIN_SECONDS + DELIVERY_TIMEOUT_SECONDS + 10 + 2));
        long exitedMs = millis(System.nanoTime() - terminated);
        assertThat(exit)
            .as("node " + i + " exits 0 after its drain; see " + nodes[i].log())
            .hasValue(0);
        for (User user : onNode) {
          assertThat(user.goAways.get())
              .as(user.name + " was sent away")
              .isGreaterThan(goAwaysBefore.get(user));
          assertThat(user.closeCodes).as(user.name + "'s close status").contains(1001);
        }
        nodes[i] = start(clusterName, members, clusterPorts[i], httpPorts[i], i, 2, resume);
        everyProcess.add(nodes[i]);
        // A restarted JVM starts cold on cores the others keep busy: at ten nodes it took 48 s from
        // its launch to creating its Hazelcast member, and 52 s to join.
        awaitAllReady(nodes, scaled(Duration.ofSeconds(60)));
        long readyMs = millis(System.nanoTime() - terminated);
        Poll.until(
            () -> running.users().stream().allMatch(user -> user.abandoned || CallLoad.back(user)),
            scaled(Duration.ofSeconds(30)),
            "every user is back after node " + node + "'s restart");
        restarts.add(
            "node "
                + i
                + ": "
                + onNode.size()
                + " clients sent away, exit 0 after "
                + exitedMs
                + " ms, restarted and cluster ready after "
                + readyMs
                + " ms");
      }
      Measurements.record(
          mode
              + " ("
              + NODES
              + " nodes, DRAIN_SECONDS="
              + DRAIN_SECONDS
              + ", CLUSTER_MAX_NO_HEARTBEAT_SECONDS="
              + MAX_NO_HEARTBEAT.toSeconds()
              + "): "
              + String.join("; ", restarts));

      awaitBursts(
          load.users().stream().filter(user -> !user.abandoned).toList(),
          3,
          scaled(Duration.ofSeconds(30)));
      load.stopSending();
      load.settle(Duration.ofSeconds(15));
      CallLoad.awaitReceipts(ledger, Duration.ofSeconds(5));

      // Everyone is where the clients say: reachable, in its room, and the leavers nowhere.
      SignalingClient prober =
          TestCluster.await(SignalingClient.connect(clientVertx, "127.0.0.1", httpPorts[0]));
      TestCluster.await(prober.login("r-prober"));
      prober.stopRecording();
      Map<String, String> sweep =
          TestCluster.await(
              CallLoad.probe(prober, load.users().stream().map(user -> user.name).toList()));
      for (User user : load.users()) {
        assertThat(sweep.get(user.name))
            .as("a message to " + user.name)
            .isEqualTo(user.abandoned ? Ledger.PEER_UNAVAILABLE : Ledger.ACK);
      }
      for (User user : load.users()) {
        if (user.abandoned) {
          continue;
        }
        JsonObject joined = TestCluster.await(user.client.join(user.room));
        Set<String> expected =
            load.users().stream()
                .filter(other -> other.room.equals(user.room) && !other.abandoned)
                .map(other -> other.name)
                .collect(Collectors.toSet());
        assertThat(
                joined.getJsonArray("users").stream()
                    .map(String::valueOf)
                    .collect(Collectors.toSet()))
            .as(user.name + "'s room " + user.room)
            .isEqualTo(expected);
      }

      Ledger.Tally all = ledger.tally(message -> true);
      Ledger.Tally betweenConnected =
          ledger.tally(
              message ->
                  message.answers.get() > 0
                      && !running
                          .user(message.from)
                          .offlineDuring(
                              message.sentAt - SLOP_NANOS, message.answeredAt + SLOP_NANOS)
                      && !running
                          .user(message.to)
                          .offlineDuring(
                              message.sentAt - SLOP_NANOS, message.answeredAt + SLOP_NANOS));
      Ledger.Tally toLeavers = ledger.tally(message -> running.user(message.to).abandoned);
      long falseUnavailable =
          ledger.all().stream()
              .filter(message -> Ledger.PEER_UNAVAILABLE.equals(message.outcome))
              .filter(
                  message ->
                      !running
                          .user(message.to)
                          .offlineDuring(
                              message.sentAt - SLOP_NANOS, message.answeredAt + SLOP_NANOS))
              .count();
      List<Ledger.Sent> unavailableToReturners =
          ledger.all().stream()
              .filter(message -> Ledger.PEER_UNAVAILABLE.equals(message.outcome))
              .filter(message -> !running.user(message.to).abandoned)
              .toList();
      long unavailableWhoCameBack = unavailableToReturners.size();
      List<Long> reconnectMs = new ArrayList<>();
      for (User user : load.users()) {
        for (long[] interval : user.offlineIntervals()) {
          if (interval[1] != Long.MAX_VALUE) {
            reconnectMs.add(millis(interval[1] - interval[0]));
          }
        }
      }
      long durationMs = millis(System.nanoTime() - testStart);
      Measurements.record(mode + ": all messages: " + all);
      Measurements.record(
          "rolling restart: between users both connected from send to answer: " + betweenConnected);
      Measurements.record(
          "rolling restart: to the " + leavers.size() + " users who left for good: " + toLeavers);
      Measurements.record(
          "rolling restart: "
              + reconnectMs.size()
              + " reconnects, go-away to login-ok "
              + reconnectMs.stream().mapToLong(Long::longValue).min().orElse(0)
              + "-"
              + reconnectMs.stream().mapToLong(Long::longValue).max().orElse(0)
              + " ms (mean "
              + Math.round(reconnectMs.stream().mapToLong(Long::longValue).average().orElse(0))
              + " ms); "
              + "peer-unavailable while the target was online: "
              + falseUnavailable
              + "; peer-unavailable to users who came back: "
              + unavailableWhoCameBack
              + "; sessions resumed: "
              + load.users().stream().mapToInt(user -> user.resumes.get()).sum()
              + "; reconnect failures: "
              + load.reconnectFailures()
              + "; test took "
              + durationMs
              + " ms");

      // Every property is checked, and a failure lists all that do not hold.
      SoftAssertions softly = new SoftAssertions();
      softly.assertThat(ledger.problems()).as("problems seen during the run").isEmpty();
      softly.assertThat(betweenConnected.sent).isPositive();
      softly
          .assertThat(betweenConnected.acked)
          .as("every message between connected users acked: " + betweenConnected)
          .isEqualTo(betweenConnected.sent);
      softly
          .assertThat(betweenConnected.received)
          .as("every message between connected users received")
          .isEqualTo(betweenConnected.sent);
      softly.assertThat(all.receivedTwice).as("duplicates").isZero();
      softly.assertThat(all.answeredTwice).as("messages answered twice").isZero();
      // A lookup the presence map does not answer within DELIVERY_TIMEOUT_MS (partitions migrating
      // while a node leaves) ends in server-unavailable; every message between connected users is
      // acked all the same (above).
      softly
          .assertThat(all.otherErrors.keySet())
          .as("errors other than peer-unavailable, delivery-failed and server-unavailable")
          .isSubsetOf("server-unavailable");
      if (resume) {
        softly
            .assertThat(unavailableWhoCameBack)
            .as(
                "peer-unavailable for a user who came back: held for it instead"
                    + load.describe(
                        unavailableToReturners.subList(
                            0, Math.min(10, unavailableToReturners.size()))))
            .isZero();
        softly
            .assertThat(load.users().stream().mapToInt(user -> user.resumes.get()).sum())
            .as("sessions resumed")
            .isPositive();
      } else {
        softly
            .assertThat(all.peerUnavailable)
            .as("messages to users in the middle of a reconnect refused")
            .isPositive();
      }
      softly.assertThat(falseUnavailable).as("peer-unavailable for a user who was online").isZero();
      softly.assertThat(load.reconnectFailures()).isZero();
      softly
          .assertThat(all.lost())
          .as(
              "lost: acked but never received, or unanswered on an open connection: "
                  + load.describe(all.lostExamples))
          .isZero();
      // A client that leaves closes its own connection (1000) and cannot expect answers; a client
      // sent away (1001) did nothing wrong, and every message it sent must be answered before the
      // node closes it. With resume, an answer that waits for a target's resume may come after the
      // sender itself was sent away; the message must have arrived all the same.
      int unansweredSentAway = all.senderClosed.getOrDefault(1001, 0);
      int receivedSentAway = all.senderClosedReceived.getOrDefault(1001, 0);
      if (resume) {
        softly
            .assertThat(receivedSentAway)
            .as("messages whose sender was sent away before their answer came, all received")
            .isEqualTo(unansweredSentAway);
      } else {
        softly
            .assertThat(unansweredSentAway)
            .as(
                "messages left without ack or error because the node sent their sender away (1001)"
                    + " with the answer still due; the target received "
                    + receivedSentAway
                    + " of them")
            .isZero();
      }
      softly.assertAll();
    } finally {
      if (load != null) {
        load.shutdown();
      }
      for (NodeProcess process : everyProcess) {
        process.close();
      }
      clientVertx.close();
    }
  }

  private static NodeProcess start(
      String clusterName,
      String members,
      int clusterPort,
      int httpPort,
      int index,
      int generation,
      boolean resume)
      throws IOException {
    return NodeProcess.start(
        "rolling-n" + index + "-" + generation,
        List.of(),
        "127.0.0.1",
        httpPort,
        Map.of(
            "CLUSTER_NAME",
            clusterName,
            "CLUSTER_PORT",
            Integer.toString(clusterPort),
            "CLUSTER_MEMBERS",
            members,
            "DRAIN_SECONDS",
            Integer.toString(DRAIN_SECONDS),
            "CLUSTER_MAX_NO_HEARTBEAT_SECONDS",
            Long.toString(MAX_NO_HEARTBEAT.toSeconds()),
            "RESUME_SECONDS",
            resume ? "30" : "0"));
  }

  /**
   * A limit set for three nodes, grown in proportion to the nodes: each is a JVM of its own on the
   * same cores, so at ten everything waits about three times as long for a core. Unchanged at
   * three.
   */
  private static Duration scaled(Duration forThreeNodes) {
    return forThreeNodes.multipliedBy(Math.max(NODES, 3)).dividedBy(3);
  }

  /**
   * Every node answers ready: it has joined, the cluster is safe (backups in place), and it takes
   * clients.
   */
  private static void awaitAllReady(NodeProcess[] nodes, Duration timeout) {
    Poll.until(
        () -> {
          for (NodeProcess node : nodes) {
            if (!node.isAlive()) {
              throw new AssertionError(node.name() + " exited; see " + node.log());
            }
          }
          return Arrays.stream(nodes)
              .allMatch(
                  node ->
                      node.get("/health/ready")
                          .filter(ready -> ready.statusCode() == 200)
                          .map(
                              ready ->
                                  new JsonObject(ready.body()).getInteger("clusterMembers", -1)
                                      == nodes.length)
                          .orElse(false));
        },
        timeout,
        "every node is ready, in one cluster of " + nodes.length);
  }
}
