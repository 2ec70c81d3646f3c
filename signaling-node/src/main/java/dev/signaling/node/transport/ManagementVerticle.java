package dev.signaling.node.transport;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;

/**
 * Serves {@code /metrics} and the health probes on {@code MANAGEMENT_PORT}, apart from client
 * traffic.
 */
public final class ManagementVerticle extends VerticleBase {
  private final TransportServices services;

  public ManagementVerticle(TransportServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router routes = Router.router(vertx);
    ManagementRoutes.mount(routes, services.health(), services.registry());
    return vertx
        .createHttpServer()
        .requestHandler(routes)
        .listen(
            services.sessions().config().managementPort(), services.sessions().config().httpHost());
  }
}
