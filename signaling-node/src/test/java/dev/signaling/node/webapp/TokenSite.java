package dev.signaling.node.webapp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a deployment whose nodes require tokens puts in front of them, reduced to what the web app
 * needs: a reverse proxy to a node (its pages, and WebSockets on {@code /ws}), its own {@code
 * /config.js} naming a token endpoint, a sign-in that sets a cookie, and that endpoint, which signs
 * a short-lived HS256 token for the cookie's user and counts the tokens it hands out.
 */
final class TokenSite implements AutoCloseable {
  static final String TOKEN_PATH = "/signaling-token";
  private static final String COOKIE = "site-user";

  private final int nodePort;
  private final Duration tokenLifetime;
  private final JWTAuth issuer;
  private final HttpClient http;
  private final WebSocketClient webSockets;
  private final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
  private HttpServer server;

  private TokenSite(Vertx vertx, String secret, Duration tokenLifetime, int nodePort) {
    this.nodePort = nodePort;
    this.tokenLifetime = tokenLifetime;
    this.issuer =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.http = vertx.createHttpClient();
    this.webSockets = vertx.createWebSocketClient();
  }

  /**
   * A site on a free port in front of the node on {@code nodePort}, signing with {@code secret}.
   */
  static Future<TokenSite> start(Vertx vertx, String secret, Duration tokenLifetime, int nodePort) {
    TokenSite site = new TokenSite(vertx, secret, tokenLifetime, nodePort);
    return vertx
        .createHttpServer()
        .requestHandler(site::handle)
        .webSocketHandler(site::proxyWebSocket)
        .listen(0, "127.0.0.1")
        .map(
            server -> {
              site.server = server;
              return site;
            });
  }

  int port() {
    return server.actualPort();
  }

  /** The address that signs {@code user} in on the site and then opens {@code next}. */
  String signInUrl(String user, String next) {
    return "http://127.0.0.1:" + port() + "/site-login?user=" + user + "&next=" + next;
  }

  int tokensIssued(String user) {
    return issued.getOrDefault(user, new AtomicInteger()).get();
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/config.js" ->
          request
              .response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
              .end("export default { tokenUrl: '" + TOKEN_PATH + "' };\n");
      case "/site-login" ->
          request
              .response()
              .setStatusCode(302)
              .addCookie(
                  Cookie.cookie(COOKIE, request.getParam("user")).setPath("/").setHttpOnly(true))
              .putHeader(HttpHeaders.LOCATION, request.getParam("next"))
              .end();
      case TOKEN_PATH -> issueToken(request);
      default -> proxy(request);
    }
  }

  private void issueToken(HttpServerRequest request) {
    Cookie user = request.getCookie(COOKIE);
    if (user == null) {
      request.response().setStatusCode(401).end("not signed in");
      return;
    }
    long now = Instant.now().getEpochSecond();
    String token =
        issuer.generateToken(
            new JsonObject()
                .put("sub", user.getValue())
                .put("iat", now)
                .put("exp", now + tokenLifetime.toSeconds()),
            new JWTOptions().setAlgorithm("HS256"));
    issued.computeIfAbsent(user.getValue(), ignored -> new AtomicInteger()).incrementAndGet();
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(token);
  }

  private void proxy(HttpServerRequest request) {
    request
        .body()
        .compose(
            body ->
                http.request(request.method(), nodePort, "127.0.0.1", request.uri())
                    .compose(outbound -> outbound.send(body)))
        .compose(
            answer ->
                answer
                    .body()
                    .map(
                        body -> {
                          request
                              .response()
                              .setStatusCode(answer.statusCode())
                              .headers()
                              .addAll(answer.headers())
                              .remove(HttpHeaders.TRANSFER_ENCODING);
                          request.response().end(body);
                          return null;
                        }))
        .onFailure(failed -> request.response().setStatusCode(502).end());
  }

  private void proxyWebSocket(ServerWebSocket browser) {
    browser.pause();
    webSockets
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(nodePort)
                .setURI(browser.uri()))
        .onSuccess(
            node -> {
              browser.textMessageHandler(node::writeTextMessage);
              node.textMessageHandler(browser::writeTextMessage);
              browser.closeHandler(ignored -> node.close());
              // The node's status and reason reach the page as they are: 1008 token-expired means
              // something.
              node.closeHandler(
                  ignored -> {
                    short status =
                        node.closeStatusCode() == null ? (short) 1001 : node.closeStatusCode();
                    browser.close(status, node.closeReason() == null ? "" : node.closeReason());
                  });
              browser.resume();
            })
        .onFailure(failed -> browser.close((short) 1011, "node unreachable"));
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
    http.close();
    webSockets.close();
  }
}
