package dev.signaling.node.peerjs;

import dev.signaling.node.config.PeerJs;
import dev.signaling.node.peerjs.PeerJsMetrics.Connect;
import dev.signaling.node.session.SessionServices;
import dev.signaling.node.transport.Endpoint;
import dev.signaling.node.transport.TransportServices;
import dev.signaling.node.transport.UpgradeAdmission;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The PeerJS server protocol on the node's HTTP port, as a stock PeerJS client with the default
 * {@code path} expects it: the WebSocket {@code /peerjs?key=&id=&token=}, {@code GET /<key>/id} and
 * {@code GET /<key>/peers}. Each connection is a {@link PeerJsConnection} onto the session core;
 * the upgrade passes the same checks as a native one (drain, origin, connections per address).
 */
public final class PeerJsEndpoint implements Endpoint {
  public static final String WEBSOCKET_PATH = "/peerjs";
  private static final short POLICY_VIOLATION = 1008;
  private static final short TRY_AGAIN_LATER = 1013;
  private static final int MAX_TOKEN_LENGTH = 8192;
  private static final int MAX_LISTED_PEERS = 10_000;

  private final PeerJsServices services;

  private PeerJsEndpoint(PeerJsServices services) {
    this.services = services;
  }

  /** The endpoint of a node with these transport services, its meters in the node's registry. */
  public static PeerJsEndpoint create(TransportServices transport, PeerJs config) {
    SessionServices node = transport.sessions();
    SessionServices peerJs =
        new SessionServices(
            node.vertx(),
            node.config(),
            new PeerJsAuthenticator(node.authenticator()),
            node.router(),
            node.rooms(),
            node.iceServers(),
            node.peerLeft(),
            node.departures(),
            node.metrics(),
            node.relayMetrics());
    return new PeerJsEndpoint(
        new PeerJsServices(
            transport,
            peerJs,
            new UpgradeAdmission(transport),
            config,
            new PeerJsMetrics(transport.registry())));
  }

  @Override
  public void mount(Vertx vertx, Router routes) {
    String api = "/" + services.config().key();
    routes.get(WEBSOCKET_PATH).handler(context -> upgrade(vertx, context));
    routes.get(api + "/id").handler(this::freshId);
    routes.get(api + "/peers").handler(this::peers);
  }

  private void upgrade(Vertx vertx, RoutingContext context) {
    if (!services.admission().admit(context)) {
      return;
    }
    HttpServerRequest request = context.request();
    String address = request.remoteAddress().hostAddress();
    String key = request.getParam("key");
    String id = request.getParam("id");
    String token = request.getParam("token");
    // Refusals go over the WebSocket, as the PeerJS server sends them: that is where its client
    // reads them.
    request
        .toWebSocket()
        .onSuccess(
            socket -> {
              if (isBlank(key) || isBlank(id) || isBlank(token)) {
                refuse(
                    socket,
                    Connect.INVALID_REQUEST,
                    POLICY_VIOLATION,
                    "No id, token, or key supplied to websocket server");
              } else if (!key.equals(services.config().key())) {
                refuse(socket, Connect.INVALID_KEY, POLICY_VIOLATION, "Invalid key provided");
              } else if (!PeerJsIds.isValid(id) || token.length() > MAX_TOKEN_LENGTH) {
                refuse(
                    socket,
                    Connect.INVALID_REQUEST,
                    POLICY_VIOLATION,
                    "Invalid id: 1-"
                        + PeerJsIds.MAX_LENGTH
                        + " letters and digits, with single spaces, _ or - between them");
              } else if (services.metrics().open() >= services.config().concurrentLimit()) {
                refuse(
                    socket,
                    Connect.CONCURRENT_LIMIT,
                    TRY_AGAIN_LATER,
                    "Server has reached its concurrent user limit");
              } else {
                PeerJsConnection.serve(vertx, socket, address, services, id, token);
              }
            });
  }

  private void refuse(ServerWebSocket socket, Connect outcome, short code, String message) {
    services.metrics().connect(outcome);
    socket
        .writeTextMessage(PeerJsFrames.error(message))
        .onComplete(written -> socket.close(code, outcome.tag()));
  }

  /** A fresh id for a client that has none; the PeerJS server's are UUIDs too. */
  private void freshId(RoutingContext context) {
    allowOrigin(context);
    context
        .response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(UUID.randomUUID().toString());
  }

  /** The ids online in the whole cluster, when discovery is on; 401 otherwise, as PeerJS does. */
  private void peers(RoutingContext context) {
    allowOrigin(context);
    if (!services.config().discovery()) {
      context.response().setStatusCode(401).end("Unauthorized");
      return;
    }
    services
        .sessions()
        .router()
        .namesStartingWith(PeerJsIds.NAMESPACE, MAX_LISTED_PEERS)
        .onComplete(
            names -> {
              JsonArray ids = new JsonArray();
              names.forEach(name -> ids.add(PeerJsIds.idOf(name)));
              context
                  .response()
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(ids.encode());
            },
            failed -> context.response().setStatusCode(503).end("presence unavailable"));
  }

  /**
   * Lets pages of the origins allowed to open WebSockets read the answer (a PeerJS app is often
   * served from elsewhere); other origins' pages get no CORS header, so their browser keeps it from
   * them.
   */
  private void allowOrigin(RoutingContext context) {
    String origin = context.request().getHeader("Origin");
    if (origin != null
        && services.transport().origins().allows(origin, context.request().getHeader("Host"))) {
      context
          .response()
          .putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Vary", "Origin");
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isEmpty();
  }
}
