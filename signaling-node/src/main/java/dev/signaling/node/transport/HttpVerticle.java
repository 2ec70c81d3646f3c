package dev.signaling.node.transport;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * Terminates HTTP and WebSockets. Deployed once per event loop; the instances share one port and
 * Vert.x spreads connections over them.
 */
public final class HttpVerticle extends VerticleBase {
  public static final String WEBSOCKET_PATH = "/ws";
  private static final int CLOSING_TIMEOUT_SECONDS = 2;
  private static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

  private final TransportServices services;
  private final int port;
  private final List<Endpoint> endpoints;
  private final UpgradeAdmission admission;

  /**
   * @param port the port to bind, the same for every instance of the node
   */
  public HttpVerticle(TransportServices services, int port) {
    this(services, port, List.of());
  }

  /**
   * @param endpoints other protocols' routes, mounted ahead of the web app's files
   */
  public HttpVerticle(TransportServices services, int port, List<Endpoint> endpoints) {
    this.services = services;
    this.port = port;
    this.endpoints = List.copyOf(endpoints);
    this.admission = new UpgradeAdmission(services);
  }

  @Override
  public Future<?> start() {
    Router routes = Router.router(vertx);
    routes.get(WEBSOCKET_PATH).handler(this::upgrade);
    if (services.sessions().config().managementPort() == 0) {
      ManagementRoutes.mount(routes, services.health(), services.registry());
    }
    endpoints.forEach(endpoint -> endpoint.mount(vertx, routes));
    // The web app: static files from the jar, nothing from anywhere else.
    routes.route().handler(WebAppHeaders::apply);
    routes
        .route()
        .handler(
            StaticHandler.create("webroot")
                .setIndexPage("index.html")
                // Revalidated on every load, so a node upgrade never leaves a browser on an old
                // app.
                .setCachingEnabled(false));
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(services.sessions().config().httpHost())
            .setPort(port)
            // Vert.x's own maxima are a hard ceiling above the configured limit: messages between
            // the two get a message-too-large error and the connection goes on; only a client far
            // past it is cut off.
            .setMaxWebSocketFrameSize(hardCeiling())
            .setMaxWebSocketMessageSize(hardCeiling())
            // How long the node waits for the client's answer to its close frame before it drops
            // the TCP connection: a flooder cut off with unread frames would only answer behind
            // them, which the node no longer reads (Vert.x waits 10 s by default).
            .setWebSocketClosingTimeout(CLOSING_TIMEOUT_SECONDS)
            // A connection held back by its message budget keeps what it sends next in its own
            // socket, not in the node: a fixed receive buffer (Linux would grow it to megabytes)
            // bounds what the node holds, and has to decode, for each such connection. Signaling
            // messages need far less.
            .setReceiveBufferSize(RECEIVE_BUFFER_BYTES)
            // Compression would cost tens of kilobytes per idle connection for frames that are
            // mostly small JSON.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            // Every response is written on its connection's event loop (the node's threading rule),
            // so a connection needs no queue for writes from other threads: without it, 4.1 KB
            // less per connection, the WebSocket's HTTP connection included (docs/benchmark.md).
            .setStrictThreadMode(true);
    return vertx.createHttpServer(options).requestHandler(routes).listen();
  }

  private int hardCeiling() {
    return hardCeiling(services.sessions().config().limits().maxMessageBytes());
  }

  /**
   * The most a client may send in one piece (a WebSocket message, an HTTP post): far enough above
   * {@code MAX_MESSAGE_BYTES} that messages between the two get a message-too-large error.
   */
  public static int hardCeiling(int maxMessageBytes) {
    return Math.max(1024 * 1024, maxMessageBytes * 4);
  }

  private void upgrade(RoutingContext context) {
    if (!admission.admit(context)) {
      return;
    }
    var request = context.request();
    String address = request.remoteAddress().hostAddress();
    // On failure (a plain GET, a bad handshake) toWebSocket has already answered the request.
    request
        .toWebSocket()
        .onSuccess(socket -> WebSocketLink.serve(vertx, socket, address, services));
  }
}
