package dev.signaling.node.peerjs;

import dev.signaling.node.support.TestCluster;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A PeerJS client's WebSocket, frame by frame, as the stock client opens it: {@code
 * /peerjs?key=&id=&token=&version=}. Frames it receives queue up for the test to take.
 */
final class PeerJsSocket implements AutoCloseable {
  // Held for as long as the socket: Vert.x closes a client's connections once it is unreachable.
  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final Promise<Short> closed = Promise.promise();

  private PeerJsSocket(WebSocketClient client) {
    this.client = client;
    this.socket = client.webSocket();
    // Before the handshake: the server's first frame may come with its answer to it.
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.closeHandler(done -> closed.tryComplete(socket.closeStatusCode()));
  }

  static PeerJsSocket connect(Vertx vertx, int port, String key, String id, String token) {
    StringBuilder query = new StringBuilder("/peerjs?version=1.5.5");
    append(query, "key", key);
    append(query, "id", id);
    append(query, "token", token);
    return connect(vertx, port, query.toString());
  }

  static PeerJsSocket connect(Vertx vertx, int port, String uri) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    PeerJsSocket socket = new PeerJsSocket(vertx.createWebSocketClient());
    TestCluster.await(socket.socket.connect(options));
    return socket;
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null) {
      query.append('&').append(name).append('=');
      query.append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }
  }

  void send(JsonObject frame) {
    TestCluster.await(socket.writeTextMessage(frame.encode()));
  }

  void sendText(String text) {
    TestCluster.await(socket.writeTextMessage(text));
  }

  /** The next frame, waiting up to {@code wait}; fails when none comes. */
  JsonObject next(Duration wait) {
    JsonObject frame = poll(wait);
    if (frame == null) {
      throw new AssertionError("no frame within " + wait);
    }
    return frame;
  }

  JsonObject next() {
    return next(TestCluster.TIMEOUT);
  }

  /** The next frame, or {@code null} when none comes within {@code wait}. */
  JsonObject poll(Duration wait) {
    try {
      return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** The close status, waiting for the server to close the connection. */
  short awaitClose() {
    return TestCluster.await(closed.future());
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close();
    }
    client.close();
  }
}
