package dev.signaling.loadtest.bare;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference the relay benchmark divides by: a relay on the signaling node's stack (clustered
 * Vert.x, the vertx-hazelcast cluster manager, WebSockets, an event-bus {@code send} per message)
 * that does nothing else. A login puts name → node id in a Hazelcast map, which every node mirrors
 * locally through an entry listener; a frame with a {@code target} goes, with {@code "from"} put
 * first, to the target's node by one event-bus send, and that node writes it to the target's
 * socket. No validation, no acknowledgements, no ordering, no replies, no sessions that outlive
 * their socket.
 *
 * <p>Takes the flags {@code loadtest/lib/local-cluster.sh} gives a signaling node that matter here
 * ({@code --http-host}, {@code --http-port}, {@code --cluster-host}, {@code --cluster-port}, {@code
 * --cluster-members}, {@code --cluster-name}, {@code --event-loops}) and ignores the others. Serves
 * {@code /ws}, {@code /health/ready} and {@code /metrics} (the lines {@code NodeMetrics} reads).
 */
public final class BareRelayNode {
  private BareRelayNode() {}

  public static void main(String[] args) throws Exception {
    String httpHost = flag(args, "--http-host", "127.0.0.1");
    int httpPort = Integer.parseInt(flag(args, "--http-port", "8080"));
    String clusterHost = flag(args, "--cluster-host", "127.0.0.1");
    int clusterPort = Integer.parseInt(flag(args, "--cluster-port", "5701"));
    String members = flag(args, "--cluster-members", "127.0.0.1");
    String clusterName = flag(args, "--cluster-name", "bare-relay");
    int eventLoops =
        Integer.parseInt(
            flag(
                args,
                "--event-loops",
                Integer.toString(Runtime.getRuntime().availableProcessors())));

    HazelcastClusterManager clusterManager =
        new HazelcastClusterManager(hazelcast(clusterName, clusterHost, clusterPort, members));
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setEventLoopPoolSize(eventLoops)
                    .setEventBusOptions(new EventBusOptions().setHost(clusterHost).setPort(0)))
            .withClusterManager(clusterManager)
            .buildClustered()
            .await(2, TimeUnit.MINUTES);
    BareDirectory directory =
        new BareDirectory(clusterManager.getHazelcastInstance(), clusterManager.getNodeId());
    vertx
        .deployVerticle(
            () -> new BareRelayVerticle(directory, httpHost, httpPort),
            new DeploymentOptions().setInstances(eventLoops))
        .await(1, TimeUnit.MINUTES);
    System.out.printf(
        "bare relay %s listening on %s:%d, %d event loops%n",
        directory.nodeId(), httpHost, httpPort, eventLoops);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx.close().await(20, TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // Stopping anyway.
                  }
                }));
  }

  /** The signaling node's Hazelcast setup, cut down to what a loopback cluster needs. */
  private static Config hazelcast(String name, String host, int port, String members) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setInstanceName("bare-" + name + "-" + port + "-" + System.nanoTime());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.tcp.join.port.try.count", "10");
    config.setProperty("hazelcast.local.localAddress", host);
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(10);
    network.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(members.split(",")));
    return config;
  }

  private static String flag(String[] args, String name, String defaultValue) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return defaultValue;
  }
}
