package dev.signaling.node.webapp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a deployment whose pages list several nodes puts in front of them, reduced to what the web
 * app needs: the app's files from one node, its own {@code /config.js} whose {@code signalingUrls}
 * name the nodes' WebSocket endpoints, and a Content-Security-Policy that lets the page connect to
 * them (the node's own allows only the page's origin). The page then talks to the nodes directly,
 * as it would to nodes on addresses of their own.
 */
final class NodeListSite implements AutoCloseable {
  private static final String CSP = "Content-Security-Policy";
  private static final String OWN_ORIGIN_ONLY = "connect-src 'self'";

  private final int filesPort;
  private final List<Integer> signalingPorts;
  private final HttpClient http;
  private HttpServer server;

  private NodeListSite(Vertx vertx, int filesPort, List<Integer> signalingPorts) {
    this.filesPort = filesPort;
    this.signalingPorts = List.copyOf(signalingPorts);
    this.http = vertx.createHttpClient();
  }

  /**
   * A site on a free port serving the files of the node on {@code filesPort} and a {@code
   * config.js} that lists the nodes on {@code signalingPorts}, in that order.
   */
  static Future<NodeListSite> start(Vertx vertx, int filesPort, List<Integer> signalingPorts) {
    NodeListSite site = new NodeListSite(vertx, filesPort, signalingPorts);
    return vertx
        .createHttpServer()
        .requestHandler(site::handle)
        .listen(0, "127.0.0.1")
        .map(
            server -> {
              site.server = server;
              return site;
            });
  }

  /** The site's address for {@code pathAndQuery}, e.g. {@code /?room=lobby}. */
  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + server.actualPort() + pathAndQuery;
  }

  private void handle(HttpServerRequest request) {
    if ("/config.js".equals(request.path())) {
      String urls =
          signalingPorts.stream()
              .map(port -> "'ws://127.0.0.1:" + port + "/ws'")
              .collect(Collectors.joining(", "));
      request
          .response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .end("export default { signalingUrls: [" + urls + "] };\n");
    } else {
      proxy(request);
    }
  }

  private void proxy(HttpServerRequest request) {
    http.request(request.method(), filesPort, "127.0.0.1", request.uri())
        .compose(outbound -> outbound.send())
        .compose(
            answer ->
                answer
                    .body()
                    .map(
                        body -> {
                          var headers =
                              request.response().setStatusCode(answer.statusCode()).headers();
                          headers.addAll(answer.headers()).remove(HttpHeaders.TRANSFER_ENCODING);
                          String policy = answer.getHeader(CSP);
                          if (policy != null) {
                            headers.set(CSP, policy.replace(OWN_ORIGIN_ONLY, connectSources()));
                          }
                          request.response().end(body);
                          return null;
                        }))
        .onFailure(failed -> request.response().setStatusCode(502).end());
  }

  /** Every listed node, over WebSockets and over the HTTP transport the client falls back to. */
  private String connectSources() {
    return OWN_ORIGIN_ONLY
        + signalingPorts.stream()
            .map(port -> " ws://127.0.0.1:" + port + " http://127.0.0.1:" + port)
            .collect(Collectors.joining());
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
    http.close();
  }
}
