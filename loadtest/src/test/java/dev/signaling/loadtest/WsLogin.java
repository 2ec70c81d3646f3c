package dev.signaling.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;

/**
 * Opens a WebSocket to a node and logs in by name, for the load generators that are not Gatling's.
 */
final class WsLogin {
  private WsLogin() {}

  /**
   * Completes with the socket once {@code login-ok} arrived; every later frame goes to {@code
   * frames}. Fails with the server's answer when the login is refused.
   */
  static Future<WebSocket> logIn(
      WebSocketClient client, URI node, String name, Handler<String> frames) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(node.getHost())
            .setPort(node.getPort())
            .setURI(node.getPath());
    return client
        .connect(options)
        .compose(
            socket -> {
              Promise<WebSocket> loggedIn = Promise.promise();
              socket.textMessageHandler(
                  frame -> {
                    if (loggedIn.future().isComplete()) {
                      frames.handle(frame);
                    } else if (frame.contains("\"login-ok\"")) {
                      loggedIn.complete(socket);
                    } else {
                      loggedIn.fail("login of " + name + " refused: " + frame);
                      socket.close();
                    }
                  });
              socket.writeTextMessage("{\"type\":\"login\",\"name\":\"" + name + "\"}");
              return loggedIn.future();
            });
  }
}
