package dev.signaling.loadtest;

import dev.signaling.client.HttpConnection;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;

/**
 * Opens a session of the HTTP transport and logs in by name, as {@link WsLogin} does over a
 * WebSocket: the session is created on {@code node}, and its later requests alternate between
 * {@code node} and {@code other}, as a round-robin load balancer without sticky sessions would send
 * them.
 */
final class HttpLogin {
  private HttpLogin() {}

  /**
   * Completes with the connection once {@code login-ok} arrived; every later frame goes to {@code
   * frames}. Fails with the server's answer when the login is refused.
   */
  static Future<HttpConnection> logIn(
      Vertx vertx,
      URI node,
      URI other,
      HttpConnection.Downstream downstream,
      String name,
      Handler<String> frames) {
    HttpConnection.Options options =
        new HttpConnection.Options(
            node.getHost(), node.getPort(), List.of(node.getPort(), other.getPort()), downstream);
    return HttpConnection.open(vertx, options)
        .compose(
            connection -> {
              Promise<HttpConnection> loggedIn = Promise.promise();
              connection.start(
                  frame -> {
                    if (loggedIn.future().isComplete()) {
                      frames.handle(frame);
                    } else if (frame.contains("\"login-ok\"")) {
                      loggedIn.complete(connection);
                    } else {
                      loggedIn.fail("login of " + name + " refused: " + frame);
                      connection.close();
                    }
                  },
                  closed -> loggedIn.tryFail("the session of " + name + " closed: " + closed));
              connection.send("{\"type\":\"login\",\"name\":\"" + name + "\"}");
              return loggedIn.future();
            });
  }
}
