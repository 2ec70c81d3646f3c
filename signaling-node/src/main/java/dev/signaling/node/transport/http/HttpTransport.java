package dev.signaling.node.transport.http;

import dev.signaling.node.transport.Endpoint;
import dev.signaling.node.transport.TransportServices;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The HTTP transport, for clients whose WebSockets are blocked: sessions that live on the node that
 * created them, reached through any node (see {@link HttpSessionRoutes} for the API, {@link
 * OwnerCalls} for how requests find their session). Made once per node.
 */
public final class HttpTransport implements Endpoint {
  private final String nodeId;
  private final HttpSessions sessions;
  private final HttpSessionRoutes routes;

  /**
   * @param bodyLimit the largest post accepted, in bytes: the same hard ceiling as a WebSocket
   *     message's
   */
  public HttpTransport(Vertx vertx, String nodeId, TransportServices services, int bodyLimit) {
    this.nodeId = nodeId;
    this.sessions = new HttpSessions(vertx, nodeId, services, bodyLimit);
    this.routes =
        new HttpSessionRoutes(
            services,
            sessions,
            new OwnerCalls(vertx, nodeId, sessions),
            new HttpTransportMetrics(services.registry()),
            bodyLimit);
  }

  /** Adds the transport's routes; called by every instance of the HTTP server. */
  @Override
  public void mount(Vertx vertx, Router router) {
    routes.mount(vertx, router);
  }

  /** The verticle that takes requests other nodes forward to this node's sessions; one per node. */
  public Deployable inbox() {
    return new HttpSessionInbox(nodeId, sessions);
  }
}
