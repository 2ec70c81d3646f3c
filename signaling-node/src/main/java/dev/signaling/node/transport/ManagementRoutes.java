package dev.signaling.node.transport;

import dev.signaling.node.health.NodeHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code /metrics} and the health probes, on the HTTP port or on a management port of their own.
 */
public final class ManagementRoutes {
  public static final String METRICS = "/metrics";
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";

  private ManagementRoutes() {}

  static void mount(Router routes, NodeHealth health, PrometheusMeterRegistry registry) {
    routes.get(METRICS).handler(PrometheusScrapingHandler.create(registry));
    routes.get(LIVE).handler(context -> json(context, 200, health.live().encode()));
    routes
        .get(READY)
        .handler(
            context ->
                health
                    .ready()
                    .onComplete(
                        readiness ->
                            json(
                                context,
                                readiness.ready() ? 200 : 503,
                                readiness.report().encode()),
                        failed -> json(context, 503, "{\"status\":\"UNKNOWN\"}")));
  }

  private static void json(RoutingContext context, int status, String body) {
    context
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }
}
