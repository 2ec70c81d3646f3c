package dev.signaling.loadtest;

import dev.signaling.node.SignalingNode;
import dev.signaling.node.config.ConfigLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Clustered signaling nodes started inside the Gatling JVM, for runs given no {@code baseUrls} (the
 * smoke run of {@code mvn verify}): real nodes over real Hazelcast on 127.0.0.1, on free HTTP
 * ports, under a cluster name of their own so that they never join another cluster on the machine.
 * The same settings the node's own tests use.
 */
final class InProcessCluster implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long CLOSE_TIMEOUT_SECONDS = 20;

  private final List<SignalingNode> nodes = new ArrayList<>();

  private InProcessCluster() {}

  static InProcessCluster start(int size) {
    Map<String, String> settings = new HashMap<>();
    settings.put("HTTP_HOST", "127.0.0.1");
    settings.put("HTTP_PORT", "0");
    settings.put("CLUSTER_HOST", "127.0.0.1");
    settings.put("CLUSTER_MEMBERS", "127.0.0.1");
    settings.put("CLUSTER_NAME", "loadtest-" + UUID.randomUUID());
    settings.put("CLUSTER_DISCOVERY", "tcp");
    settings.put("VERTICLE_INSTANCES", "2");
    settings.put("LOG_LEVEL", "WARN");
    // Every virtual user connects from 127.0.0.1: a per-address connection cap (on nodes that have
    // one) must not count them as one abusive client. Nodes without the setting ignore it.
    settings.put("MAX_CONNECTIONS_PER_IP", "100000");
    InProcessCluster cluster = new InProcessCluster();
    try {
      for (int i = 0; i < size; i++) {
        cluster.nodes.add(
            SignalingNode.start(ConfigLoader.load(settings, new String[0]))
                .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
    } catch (Exception failed) {
      cluster.close();
      throw new IllegalStateException("in-process nodes did not start: " + failed, failed);
    }
    return cluster;
  }

  /** The nodes' WebSocket endpoints, {@code ws://127.0.0.1:<port>/ws}. */
  List<String> urls() {
    return nodes.stream().map(node -> "ws://127.0.0.1:" + node.httpPort() + "/ws").toList();
  }

  @Override
  public void close() {
    for (SignalingNode node : nodes) {
      try {
        node.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // The JVM ends right after the run; a node that did not close cleanly goes with it.
      }
    }
    nodes.clear();
  }
}
