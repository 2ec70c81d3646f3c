package dev.signaling.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Vert.x either clustered over Hazelcast or alone: the one place that builds the cluster.
 */
public final class ClusterBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBootstrap.class);

  private ClusterBootstrap() {}

  /** Starts Vert.x with its meters in {@code registry}. */
  public static Future<ClusterRuntime> start(NodeConfig config, MeterRegistry registry) {
    VertxOptions options =
        new VertxOptions()
            .setMetricsOptions(Metrics.vertxOptions())
            // One per core rather than Vert.x's two: a relay crosses event loops several times
            // (socket, event bus, reply), and each crossing to a sleeping loop costs a wake-up;
            // fewer loops, fewer of them.
            .setEventLoopPoolSize(config.eventLoops());
    MicrometerMetricsFactory metrics = new MicrometerMetricsFactory(registry);
    if (!config.clustered()) {
      Vertx vertx = Vertx.builder().with(options).withMetrics(metrics).build();
      LOG.info("running as a single node without a cluster");
      return Future.succeededFuture(new ClusterRuntime(vertx, new SingleNodeView(), null));
    }
    options.setEventBusOptions(
        new EventBusOptions().setHost(config.clusterHost()).setPort(config.eventBusPort()));
    HazelcastClusterManager clusterManager =
        new HazelcastClusterManager(HazelcastConfigFactory.build(config));
    return Vertx.builder()
        .with(options)
        .withMetrics(metrics)
        .withClusterManager(clusterManager)
        .buildClustered()
        .map(
            vertx -> {
              HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
              hazelcast
                  .getPartitionService()
                  .addMigrationListener(new PartitionMigrations(registry));
              ClusterView view =
                  new HazelcastClusterView(
                      hazelcast, clusterManager.getNodeId(), vertx.getOrCreateContext());
              LOG.info(
                  "joined cluster \"{}\" as {} at {} with {}",
                  config.clusterName(),
                  view.nodeId(),
                  hazelcast.getCluster().getLocalMember().getAddress(),
                  ClusterView.memberCount(view.members().size()));
              return new ClusterRuntime(vertx, view, hazelcast);
            });
  }
}
