package dev.signaling.node.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.HttpConnection;
import dev.signaling.client.SignalingClient;
import dev.signaling.node.SharedState;
import dev.signaling.node.SignalingNode;
import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.config.ConfigLoader;
import dev.signaling.node.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Real signaling nodes in this JVM: clustered over real Hazelcast on 127.0.0.1 under a cluster name
 * of their own, or a single node without a cluster. Clients are real WebSocket clients, or real
 * clients of the HTTP transport (see {@link #clientsOver}).
 */
public final class TestCluster implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** How a client connects to the node it is told to. */
  public enum ClientTransport {
    WEBSOCKET,
    /**
     * The HTTP transport, streaming: the session is created on the node named, and every later
     * request goes to the next node, which does not hold the session (the same one when there is
     * only one).
     */
    HTTP_STREAM,
    /**
     * The HTTP transport, long-polling: the session is created on the node named, and later
     * requests go round-robin over every node, starting with the next one.
     */
    HTTP_LONG_POLL
  }

  private final List<SignalingNode> nodes = new ArrayList<>();
  private final List<SignalingClient> clients = new ArrayList<>();
  private final Vertx clientVertx = Vertx.vertx();
  private final String clusterName = "test-" + UUID.randomUUID();
  private final Map<String, String> settings = new HashMap<>();
  private final boolean clustered;
  private List<ClientTransport> transports = List.of(ClientTransport.WEBSOCKET);

  private TestCluster(boolean clustered, Map<String, String> overrides) {
    this.clustered = clustered;
    settings.put("HTTP_HOST", "127.0.0.1");
    settings.put("HTTP_PORT", "0");
    settings.put("CLUSTER_NAME", clusterName);
    settings.put("CLUSTER_DISCOVERY", clustered ? "tcp" : "none");
    settings.put("VERTICLE_INSTANCES", "2");
    settings.put("PRESENCE_RECONCILE_SECONDS", "2");
    // Tests send bursts no person would; the limits have tests of their own.
    settings.put("RATE_LIMIT_PER_SECOND", "100000");
    settings.put("RATE_LIMIT_BURST", "100000");
    // Without resume unless a test asks for it: a closed connection ends its user at once, as the
    // suites that are not about resume expect.
    settings.put("RESUME_SECONDS", "0");
    settings.putAll(overrides);
  }

  /**
   * {@code size} clustered nodes, or one node without a cluster when {@code clustered} is false.
   */
  public static TestCluster start(boolean clustered, int size) {
    return start(clustered, size, Map.of());
  }

  public static TestCluster start(boolean clustered, int size, Map<String, String> settings) {
    return start(clustered, size, settings, SharedState.AS_PICKED);
  }

  /**
   * Nodes whose shared state is {@code decorate}d, for example with fakes that can be told to fail.
   */
  public static TestCluster start(
      boolean clustered,
      int size,
      Map<String, String> settings,
      UnaryOperator<SharedState> decorate) {
    TestCluster cluster = new TestCluster(clustered, settings);
    try {
      for (int i = 0; i < (clustered ? size : 1); i++) {
        cluster.addNode(Map.of(), decorate);
      }
    } catch (RuntimeException failed) {
      cluster.close();
      throw failed;
    }
    return cluster;
  }

  public SignalingNode addNode() {
    return addNode(Map.of());
  }

  /** Starts one more node with these settings on top of the cluster's. */
  public SignalingNode addNode(Map<String, String> overrides) {
    return addNode(overrides, SharedState.AS_PICKED);
  }

  /**
   * Starts one more node whose shared state is {@code decorate}d, for example with fakes told to
   * fail.
   */
  public SignalingNode addNode(Map<String, String> overrides, UnaryOperator<SharedState> decorate) {
    Map<String, String> nodeSettings = new HashMap<>(settings);
    nodeSettings.putAll(overrides);
    NodeConfig config = ConfigLoader.load(nodeSettings, new String[0]);
    SignalingNode node = await(SignalingNode.start(config, decorate));
    nodes.add(node);
    return node;
  }

  public String clusterName() {
    return clusterName;
  }

  public boolean clustered() {
    return clustered;
  }

  /** Node {@code index}; a single-node cluster answers every index with its one node. */
  public SignalingNode node(int index) {
    return nodes.get(index % nodes.size());
  }

  public int size() {
    return nodes.size();
  }

  /**
   * Clients connect over these transports from now on: to node {@code i} over {@code transports[i %
   * transports.length]}.
   */
  public TestCluster clientsOver(ClientTransport... transports) {
    this.transports = List.of(transports);
    return this;
  }

  public SignalingClient connect(int nodeIndex) {
    return connect(nodeIndex, transports.get(nodeIndex % transports.size()));
  }

  public SignalingClient connect(int nodeIndex, ClientTransport transport) {
    int port = node(nodeIndex).httpPort();
    SignalingClient client =
        await(
            switch (transport) {
              case WEBSOCKET -> SignalingClient.connect(clientVertx, "127.0.0.1", port);
              case HTTP_STREAM ->
                  SignalingClient.connectHttp(
                      clientVertx,
                      new HttpConnection.Options(
                          "127.0.0.1",
                          port,
                          List.of(node(nodeIndex + 1).httpPort()),
                          HttpConnection.Downstream.STREAM));
              case HTTP_LONG_POLL ->
                  SignalingClient.connectHttp(
                      clientVertx,
                      new HttpConnection.Options(
                          "127.0.0.1",
                          port,
                          portsFrom(nodeIndex + 1),
                          HttpConnection.Downstream.LONG_POLL));
            });
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** A client connected to node {@code nodeIndex} and logged in as {@code name}. */
  public SignalingClient login(String name, int nodeIndex) {
    SignalingClient client = connect(nodeIndex);
    await(client.login(name));
    return client;
  }

  /** Every node's HTTP port, starting with node {@code first}'s. */
  private List<Integer> portsFrom(int first) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      ports.add(node(first + i).httpPort());
    }
    return ports;
  }

  public Vertx clientVertx() {
    return clientVertx;
  }

  /** Closes node {@code index} cleanly and forgets it. */
  public void closeNode(int index) {
    SignalingNode node = nodes.remove(index);
    await(node.close());
  }

  /**
   * Closes node {@code index} cleanly and starts a new node on its HTTP port, as a restart would.
   */
  public void restartNode(int index) {
    int port = nodes.get(index).httpPort();
    closeNode(index);
    SignalingNode restarted = addNode(Map.of("HTTP_PORT", Integer.toString(port)));
    nodes.remove(restarted);
    nodes.add(index, restarted);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception failed) {
      throw new AssertionError("did not complete: " + failed, failed);
    }
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(client -> client.close());
    }
    for (SignalingNode node : nodes) {
      try {
        node.close().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // Closing what is left; the test's own assertions have already spoken.
      }
    }
    nodes.clear();
    clientVertx.close();
    // Every test that ran nodes in this JVM fails if any of them touched a connection's state off
    // its loop.
    assertThat(OwnerContext.violations()).as("state touched off its owner's event loop").isEmpty();
  }
}
