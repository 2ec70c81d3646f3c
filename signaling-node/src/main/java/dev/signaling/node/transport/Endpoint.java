package dev.signaling.node.transport;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Routes of another wire protocol served on the node's HTTP port (PeerJS's), mounted by every
 * {@link HttpVerticle} instance ahead of the web app's files. The composition root picks which.
 */
public interface Endpoint {

  /** Adds the endpoint's routes; called on the verticle instance's event loop. */
  void mount(Vertx vertx, Router routes);
}
