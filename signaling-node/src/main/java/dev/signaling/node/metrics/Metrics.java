package dev.signaling.node.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The node's meter registry, scraped by Prometheus at {@code /metrics}. One registry per node (not
 * Micrometer's global one), so several nodes in one JVM keep their figures apart. Vert.x's own meters
 * ({@code vertx_*}: HTTP, event bus, pools) and the JVM's land in it next to the node's {@code signaling_*}.
 */
public final class Metrics {
  /** The namespace of every meter the node defines itself. */
  public static final String PREFIX = "signaling_";

  private Metrics() {
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Vert.x metrics with its default labels (HTTP method and code, pool type and name, event-bus side):
   * never the event-bus address, which would put every reply address into a label.
   */
  public static MetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true);
  }
}
