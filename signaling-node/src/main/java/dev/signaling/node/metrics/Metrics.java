package dev.signaling.node.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The node's meter registry, scraped by Prometheus at {@code /metrics}. One registry per node (not
 * Micrometer's global one), so several nodes in one JVM keep their figures apart. Vert.x's own
 * meters ({@code vertx_*}: HTTP, pools) and the JVM's land in it next to the node's {@code
 * signaling_*}.
 */
public final class Metrics {
  /** The namespace of every meter the node defines itself. */
  public static final String PREFIX = "signaling_";

  private Metrics() {}

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Vert.x metrics with its default labels (HTTP method and code, pool type and name). Without its
   * event-bus meters: they cost a registry lookup per message sent, received and replied to (about
   * a twentieth of a relay's CPU time), and {@code signaling_messages_total} and {@code
   * signaling_relay_latency} already count and time every relay.
   */
  public static MetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
  }
}
