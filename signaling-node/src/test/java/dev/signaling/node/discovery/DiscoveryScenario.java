package dev.signaling.node.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.node.reliability.NodeProcess;
import dev.signaling.node.support.Measurements;
import dev.signaling.node.support.Poll;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What both discovery tests go through, as Kubernetes would: three pods listed by the Service start
 * together and form one cluster with nothing but the listing to go by (no {@code CLUSTER_MEMBERS});
 * a fourth is listed and started, and joins; one is taken out of the listing and sent SIGTERM, and
 * leaves. Each node has an address of its own in a {@code 127.X.Y.0/24} block picked for the run,
 * as each pod has its own IP, and all use the same cluster port, as all pods do.
 */
final class DiscoveryScenario implements AutoCloseable {
  /** Bounds, generous for four JVMs starting on two shared cores. */
  private static final Duration FORM_BOUND = Duration.ofSeconds(120);

  private static final Duration JOIN_BOUND = Duration.ofSeconds(60);
  private static final Duration LEAVE_BOUND = Duration.ofSeconds(30);

  /**
   * Hazelcast looks every 5 s; a JVM keeps a name's addresses 30 s (networkaddress.cache.ttl), so
   * in DNS mode a lookup may reach the server only that much later.
   */
  private static final Duration RELOOKUP_BOUND = Duration.ofSeconds(45);

  /** Where the nodes are listed: the Service's Endpoints or its DNS records. */
  interface Listing {
    /** Lists exactly these node addresses from now on. */
    void publish(List<String> addresses) throws Exception;

    /** How many times the nodes have looked the listing up so far. */
    long lookups() throws Exception;
  }

  private final String mode;
  private final String block;
  private final int clusterPort;
  private final String clusterName;
  private final Vertx clients = Vertx.vertx();
  private final List<NodeProcess> nodes = new ArrayList<>();

  private DiscoveryScenario(String mode, String block, int clusterPort) {
    this.mode = mode;
    this.block = block;
    this.clusterPort = clusterPort;
    this.clusterName = "discovery-" + mode + "-" + UUID.randomUUID();
  }

  /** A scenario on a loopback block of its own, with a cluster port free on its node addresses. */
  static DiscoveryScenario create(String mode) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String block = "127." + (100 + random.nextInt(100)) + "." + random.nextInt(256) + ".";
    return new DiscoveryScenario(mode, block, freeOnAll(block));
  }

  /** An address of the block: {@code .1} to {@code .9} for the test's servers, nodes above. */
  String address(int last) {
    return block + last;
  }

  String node(int index) {
    return address(10 + index);
  }

  int clusterPort() {
    return clusterPort;
  }

  /**
   * Runs the story: each node started behind {@code prefix} with {@code discovery}, the mode's
   * settings, on top of its own.
   */
  void run(Listing listing, List<String> prefix, Map<String, String> discovery) throws Exception {
    listing.publish(List.of(node(1), node(2), node(3)));
    long start = System.nanoTime();
    for (int index = 1; index <= 3; index++) {
      start(index, prefix, discovery);
    }
    awaitMembers(nodes, 3, FORM_BOUND, "the three listed nodes form one cluster");
    Duration formed = since(start);
    // One cluster for the users too: a message crosses from node 1 to a user on node 3.
    SignalingClient alice = login(nodes.get(0), "alice");
    SignalingClient bob = login(nodes.get(2), "bob");
    assertRelayed(alice, bob);
    long lookupsFormed = listing.lookups();

    listing.publish(List.of(node(1), node(2), node(3), node(4)));
    long lookupsBeforeFourth = listing.lookups();
    long fourthStarted = System.nanoTime();
    start(4, prefix, discovery);
    awaitMembers(nodes, 4, JOIN_BOUND, "the node added to the listing joins");
    Duration joined = since(fourthStarted);
    assertThat(listing.lookups())
        .as("the added node looked the listing up")
        .isGreaterThan(lookupsBeforeFourth);
    SignalingClient carol = login(nodes.get(3), "carol");
    assertRelayed(alice, carol);

    // Taken out of the listing, as Kubernetes does with a pod being deleted, while it still runs:
    // the members look the listing up again (Hazelcast's search for other clusters, every 5 s on
    // the master), but membership is Hazelcast's alone, and nobody is sent away by a listing.
    NodeProcess removed = nodes.get(1);
    long lookupsListed = listing.lookups();
    listing.publish(List.of(node(1), node(3), node(4)));
    long delisted = System.nanoTime();
    Poll.until(
        () -> lookups(listing) > lookupsListed,
        RELOOKUP_BOUND,
        "a member looks the listing up again");
    Duration relookup = since(delisted);
    assertThat(nodes)
        .as("members once the shorter listing was read")
        .allSatisfy(node -> assertThat(node.clusterMembers()).isEqualTo(4));
    // Then stopped, as the kubelet does.
    long signalled = System.nanoTime();
    removed.terminate();
    List<NodeProcess> remaining = List.of(nodes.get(0), nodes.get(2), nodes.get(3));
    awaitMembers(remaining, 3, LEAVE_BOUND, "the node removed leaves");
    Duration left = since(signalled);
    assertThat(removed.awaitExit(LEAVE_BOUND))
        .as("the removed node exits cleanly after its drain")
        .hasValue(0);
    assertRelayed(alice, carol);
    assertRelayed(carol, bob);
    Duration ready =
        Poll.until(
            () -> remaining.stream().allMatch(node -> node.status("/health/ready") == 200),
            LEAVE_BOUND,
            "the remaining nodes are ready again");
    long lookupsEnd = listing.lookups();
    Duration sinceFormed = since(start).minus(formed);

    Measurements.record(
        "discovery ("
            + mode
            + "): 3 nodes started together formed one cluster "
            + formed.toMillis()
            + " ms after their start; the node added to the listing joined "
            + joined.toMillis()
            + " ms after its start; a member looked the listing up again "
            + relookup.toMillis()
            + " ms after a node was taken out of it, and kept it as a member; sent SIGTERM"
            + " (DRAIN_SECONDS=1), that node left the others' view "
            + left.toMillis()
            + " ms after the signal, all ready again "
            + ready.toMillis()
            + " ms later; "
            + (lookupsEnd - lookupsFormed)
            + " lookups of the listing in the "
            + sinceFormed.toSeconds()
            + " s after the cluster formed ("
            + lookupsFormed
            + " until then)");
  }

  /** The nodes started and not stopped. */
  List<NodeProcess> running() {
    return nodes.stream().filter(NodeProcess::isAlive).toList();
  }

  /** Starts node {@code index} (1 to 5), which is stopped with the scenario. */
  NodeProcess start(int index, List<String> prefix, Map<String, String> discovery)
      throws IOException {
    String host = node(index);
    Map<String, String> settings = new HashMap<>(discovery);
    settings.put("CLUSTER_NAME", clusterName);
    settings.put("CLUSTER_DISCOVERY", "kubernetes");
    settings.put("CLUSTER_HOST", host);
    settings.put("CLUSTER_PORT", Integer.toString(clusterPort));
    settings.put("EVENT_LOOPS", "1");
    settings.put("DRAIN_SECONDS", "1");
    NodeProcess node =
        NodeProcess.start(mode + "-node" + index, prefix, host, freePort(host), settings);
    nodes.add(node);
    return node;
  }

  /** An HTTP port free on {@code host} now. */
  private static int freePort(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return probe.getLocalPort();
    }
  }

  private static long lookups(Listing listing) {
    try {
      return listing.lookups();
    } catch (Exception e) {
      throw new AssertionError("cannot count the lookups", e);
    }
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  void awaitMembers(List<NodeProcess> which, int members, Duration bound, String what) {
    Poll.until(
        () -> {
          for (NodeProcess node : which) {
            if (!node.isAlive()) {
              throw new AssertionError(node.name() + " exited; see " + node.log());
            }
          }
          return which.stream().allMatch(node -> node.clusterMembers() == members);
        },
        bound,
        () ->
            what
                + "; members seen: "
                + which.stream().map(node -> node.name() + "=" + node.clusterMembers()).toList());
  }

  private SignalingClient login(NodeProcess node, String name) {
    SignalingClient client =
        TestCluster.await(SignalingClient.connect(clients, node.host(), node.httpPort()));
    TestCluster.await(client.login(name));
    return client;
  }

  private static void assertRelayed(SignalingClient from, SignalingClient to) throws Exception {
    TestCluster.await(from.request(new JsonObject().put("type", "note").put("target", to.name())));
    assertThat(to.await("note", TestCluster.TIMEOUT).getString("from"))
        .as("a note from " + from.name() + " to " + to.name())
        .isEqualTo(from.name());
  }

  /** A port above the ephemeral range's usual start, free on the block's node addresses. */
  private static int freeOnAll(String block) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = 20000 + random.nextInt(20000);
      boolean free = true;
      for (int last = 11; last <= 15 && free; last++) {
        try (ServerSocket probe = new ServerSocket()) {
          probe.bind(new InetSocketAddress(InetAddress.getByName(block + last), port));
        } catch (IOException busy) {
          free = false;
        }
      }
      if (free) {
        return port;
      }
    }
    throw new IOException("no port free on " + block + "11-15");
  }

  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      node.close();
    }
    TestCluster.await(clients.close());
  }
}
