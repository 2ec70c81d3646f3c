package dev.signaling.node.transport;

import dev.signaling.node.config.NodeConfig;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.Router;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Terminates HTTP and WebSockets. Deployed once per event loop; the instances share one port and Vert.x
 * spreads connections over them.
 */
public final class HttpVerticle extends VerticleBase {
  public static final String WEBSOCKET_PATH = "/ws";
  /** Largest frame and message a client may send. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private final NodeConfig config;
  private final int port;
  private final Router router;
  private final RoomService rooms;

  /** @param port the port to bind, the same for every instance of the node */
  public HttpVerticle(NodeConfig config, int port, Router router, RoomService rooms) {
    this.config = config;
    this.port = port;
    this.router = router;
    this.rooms = rooms;
  }

  @Override
  public Future<?> start() {
    io.vertx.ext.web.Router routes = io.vertx.ext.web.Router.router(vertx);
    routes.get(WEBSOCKET_PATH).handler(this::upgrade);
    // The web app: static files from the jar, nothing from anywhere else.
    routes.route().handler(WebAppHeaders::apply);
    routes.route().handler(StaticHandler.create("webroot").setIndexPage("index.html")
        // Revalidated on every load, so a node upgrade never leaves a browser on an old app.
        .setCachingEnabled(false));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(port)
        .setMaxWebSocketFrameSize(MAX_MESSAGE_BYTES)
        .setMaxWebSocketMessageSize(MAX_MESSAGE_BYTES)
        // Compression would cost tens of kilobytes per idle connection for frames that are mostly
        // small JSON.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    return vertx.createHttpServer(options)
        .requestHandler(routes)
        .listen();
  }

  private void upgrade(RoutingContext context) {
    // On failure (a plain GET, a bad handshake) toWebSocket has already answered the request.
    context.request().toWebSocket()
        .onSuccess(socket -> new WebSocketConnection(vertx, socket, router, rooms, config));
  }
}
