package dev.signaling.node.cluster;

import dev.signaling.node.base.NodeScopedState;
import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Meters of the cluster as this node sees it. Cluster-wide sizes cost a round trip to every member,
 * so they are refreshed in the background, never computed when Prometheus scrapes.
 */
public final class ClusterMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> reaped = new ConcurrentHashMap<>();

  public ClusterMetrics(MeterRegistry registry, ClusterView view) {
    this.registry = registry;
    Gauge.builder(Metrics.PREFIX + "cluster_members", view, cluster -> cluster.members().size())
        .description("Members of the cluster, this node included")
        .register(registry);
  }

  /**
   * A gauge of a cluster-wide size, refreshed every {@code interval} from {@code size}.
   *
   * @return the id of the refreshing timer
   */
  public long clusterWideGauge(
      Vertx vertx,
      String name,
      String description,
      Supplier<Future<Integer>> size,
      Duration interval) {
    AtomicLong value = new AtomicLong();
    Gauge.builder(Metrics.PREFIX + name, value, AtomicLong::get)
        .description(description)
        .register(registry);
    size.get().onSuccess(value::set);
    return vertx.setPeriodic(interval.toMillis(), tick -> size.get().onSuccess(value::set));
  }

  /**
   * Registers the reaped counter of {@code state} at zero, so it is scraped before the first reap.
   */
  public void track(NodeScopedState state) {
    reaped(state, 0);
  }

  /** Entries of a departed node that this node removed. */
  void reaped(NodeScopedState state, int count) {
    reaped
        .computeIfAbsent(
            state.entriesName(),
            kind ->
                Counter.builder(Metrics.PREFIX + "reaped")
                    .description(
                        "Entries of departed nodes removed by this node (presence entries are sessions)")
                    .tag("kind", kind.replace(' ', '-'))
                    .register(registry))
        .increment(count);
  }
}
