package dev.signaling.node.transport;

import io.vertx.ext.web.RoutingContext;

/**
 * What every WebSocket upgrade passes, whichever protocol it speaks: a draining node refuses it,
 * and so does a page of a foreign origin and an address with too many connections open.
 */
public final class UpgradeAdmission {
  private final TransportServices services;

  public UpgradeAdmission(TransportServices services) {
    this.services = services;
  }

  /** Whether the request may become a WebSocket; when not, it has been answered. */
  public boolean admit(RoutingContext context) {
    if (services.health().isDraining()) {
      // Shutting down: the client should connect to another node.
      context.response().setStatusCode(503).putHeader("Retry-After", "1").end("draining");
      return false;
    }
    var request = context.request();
    if (!services.origins().allows(request.getHeader("Origin"), request.getHeader("Host"))) {
      context.response().setStatusCode(403).end("origin not allowed");
      return false;
    }
    String address = request.remoteAddress().hostAddress();
    if (services.connections().from(address)
        >= services.sessions().config().limits().maxConnectionsPerIp()) {
      context
          .response()
          .setStatusCode(429)
          .putHeader("Retry-After", "10")
          .end("too many connections");
      return false;
    }
    return true;
  }
}
