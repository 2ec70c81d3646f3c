package dev.signaling.client;

import dev.signaling.protocol.MessageTypes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small client for the signaling protocol over a Vert.x WebSocket, or over the node's HTTP
 * transport ({@link #connectHttp}).
 *
 * <p>Requests ({@link #login}, {@link #request}) complete with the server's answer. Every frame the
 * server sends also lands in an inbox that {@link #await} reads, which suits tests and scripts;
 * handlers set with {@link #onMessage} suit applications.
 */
public final class SignalingClient {
  public static final String PATH = "/ws";

  /** Server frames that answer a request, matched to it by {@code id}. */
  private static final Set<String> REPLY_TYPES =
      Set.of(
          MessageTypes.ACK,
          MessageTypes.LOGIN_OK,
          MessageTypes.JOINED,
          MessageTypes.LEFT,
          MessageTypes.ICE_SERVERS);

  private final Wire wire;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<Object, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  private final List<JsonObject> seen = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private volatile Handler<JsonObject> messageHandler = message -> {};
  private volatile String name;
  private volatile String resumeToken;
  private volatile boolean recording = true;

  /** What carries the frames. */
  private interface Wire {
    Future<Void> send(String text);

    Future<Void> sendBinary(Buffer bytes);

    Future<Void> close();

    /** The connection has closed: let go of what it held. */
    void release();
  }

  private record WebSocketWire(WebSocketClient client, WebSocket socket) implements Wire {
    @Override
    public Future<Void> send(String text) {
      return socket.writeTextMessage(text);
    }

    @Override
    public Future<Void> sendBinary(Buffer bytes) {
      return socket.writeBinaryMessage(bytes);
    }

    @Override
    public Future<Void> close() {
      return socket.close().eventually(client::close);
    }

    @Override
    public void release() {
      client.close();
    }
  }

  private record HttpWire(HttpConnection connection) implements Wire {
    @Override
    public Future<Void> send(String text) {
      return connection.send(text);
    }

    @Override
    public Future<Void> sendBinary(Buffer bytes) {
      return Future.failedFuture(
          new UnsupportedOperationException("the HTTP transport carries text frames only"));
    }

    @Override
    public Future<Void> close() {
      return connection.close();
    }

    @Override
    public void release() {}
  }

  private SignalingClient(Wire wire) {
    this.wire = wire;
  }

  /**
   * How long {@link #connect(Vertx, String, int)} waits for the handshake's answer: a node that
   * accepts connections but does not answer (frozen, overloaded) fails the attempt, so the caller
   * can try another node instead of waiting forever.
   */
  public static final long HANDSHAKE_TIMEOUT_MS = 10_000;

  public static Future<SignalingClient> connect(Vertx vertx, String host, int port) {
    return connect(vertx, host, port, Duration.ofMillis(HANDSHAKE_TIMEOUT_MS));
  }

  /** Connects, failing when the handshake has not been answered within {@code handshakeTimeout}. */
  public static Future<SignalingClient> connect(
      Vertx vertx, String host, int port, Duration handshakeTimeout) {
    return connect(
        vertx,
        new WebSocketConnectOptions()
            .setHost(host)
            .setPort(port)
            .setURI(PATH)
            .setTimeout(handshakeTimeout.toMillis()));
  }

  public static Future<SignalingClient> connect(Vertx vertx, WebSocketConnectOptions options) {
    WebSocketClient wsClient =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxMessageSize(1024 * 1024)
                .setMaxFrameSize(1024 * 1024));
    return wsClient
        .connect(options)
        .map(
            socket -> {
              SignalingClient client = new SignalingClient(new WebSocketWire(wsClient, socket));
              socket.textMessageHandler(client::onFrame);
              socket.closeHandler(ignored -> client.onClosed(socket.closeStatusCode()));
              return client;
            })
        .onFailure(ignored -> wsClient.close());
  }

  /**
   * A client over the node's HTTP transport, as one whose WebSockets are blocked would connect; the
   * rest of the API is the same. Binary frames cannot be sent this way.
   */
  public static Future<SignalingClient> connectHttp(Vertx vertx, HttpConnection.Options options) {
    return HttpConnection.open(vertx, options)
        .map(
            connection -> {
              SignalingClient client = new SignalingClient(new HttpWire(connection));
              connection.start(client::onFrame, client::onClosed);
              return client;
            });
  }

  /** Logs in; completes with the {@code login-ok} frame, or fails with the server's error. */
  public Future<JsonObject> login(String name) {
    return login(new JsonObject().put("type", MessageTypes.LOGIN).put("name", name));
  }

  /**
   * Logs in resuming the session that {@code resumeToken} (an earlier connection's {@link
   * #resumeToken}) names, on this connection: completes with the {@code login-ok} frame, whose
   * {@code resumed} says whether it did; the frames held for the session follow it. A token that
   * can no longer be resumed makes a fresh login.
   */
  public Future<JsonObject> resume(String name, String resumeToken) {
    return login(
        new JsonObject()
            .put("type", MessageTypes.LOGIN)
            .put("name", name)
            .put("resume", resumeToken));
  }

  private Future<JsonObject> login(JsonObject login) {
    return request(login)
        .onSuccess(
            ok -> {
              this.name = ok.getString("name");
              this.resumeToken = ok.getString("resume");
            });
  }

  /**
   * The token that resumes this connection's session on another connection after this one ends,
   * within the server's window; {@code null} before login, or when the server does not resume.
   */
  public String resumeToken() {
    return resumeToken;
  }

  /** Joins a room; completes with the {@code joined} frame and its {@code users}. */
  public Future<JsonObject> join(String room) {
    return request(new JsonObject().put("type", MessageTypes.JOIN).put("room", room));
  }

  /** Leaves a room; completes with the {@code left} frame. */
  public Future<JsonObject> leave(String room) {
    return request(new JsonObject().put("type", MessageTypes.LEAVE).put("room", room));
  }

  /** The name this client logged in with, or {@code null}. */
  public String name() {
    return name;
  }

  /** Sends a frame without waiting for an answer; the server sends back only errors. */
  public Future<Void> send(JsonObject message) {
    return wire.send(message.encode());
  }

  /**
   * Sends raw text, for tests of what the server does with malformed frames. Over HTTP, each line
   * is a frame of its own.
   */
  public Future<Void> sendText(String text) {
    return wire.send(text);
  }

  /** Sends a binary frame, which the protocol refuses; for tests of exactly that. */
  public Future<Void> sendBinary(byte[] bytes) {
    return wire.sendBinary(Buffer.buffer(bytes));
  }

  /**
   * Sends a message with an {@code id} (one is added when missing) and completes with the answer:
   * the {@code ack} (or {@code login-ok}, {@code joined}, {@code left}), or fails with a {@link
   * SignalingException} for an error.
   */
  public Future<JsonObject> request(JsonObject message) {
    Object id = message.getValue("id");
    if (id == null) {
      id = "c" + nextId.incrementAndGet();
      message = message.copy().put("id", id);
    }
    Promise<JsonObject> answer = Promise.promise();
    pending.put(id, answer);
    Object key = id;
    wire.send(message.encode())
        .onFailure(
            failure -> {
              if (pending.remove(key) != null) {
                answer.tryFail(failure);
              }
            });
    return answer.future();
  }

  /**
   * Stops keeping frames for {@link #await} and {@link #seen}: for long runs (load, benchmarks)
   * whose frames a handler counts instead.
   */
  public SignalingClient stopRecording() {
    recording = false;
    inbox.clear();
    synchronized (seen) {
      seen.clear();
    }
    return this;
  }

  /** A handler for every frame the server sends, called on the connection's event loop. */
  public SignalingClient onMessage(Handler<JsonObject> handler) {
    this.messageHandler = handler;
    return this;
  }

  /**
   * Blocks until a frame matching {@code match} arrives, taking it and every frame before it out of
   * the inbox. For tests and scripts; never call it on an event loop.
   */
  public JsonObject await(Predicate<JsonObject> match, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject next = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
        if (next == null) {
          throw new TimeoutException("no matching frame within " + timeout + "; seen: " + seen());
        }
        if (match.test(next)) {
          return next;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  /** Blocks until a frame of this type arrives; see {@link #await(Predicate, Duration)}. */
  public JsonObject await(String type, Duration timeout) throws TimeoutException {
    return await(frame -> type.equals(frame.getString("type")), timeout);
  }

  /** Takes everything in the inbox now, without waiting. */
  public List<JsonObject> drainInbox() {
    List<JsonObject> drained = new ArrayList<>();
    inbox.drainTo(drained);
    return drained;
  }

  /** Every frame received so far, oldest first. */
  public List<JsonObject> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** Completes with the close status code when the connection closes. */
  public Future<Short> closeFuture() {
    return closed.future();
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  public Future<Void> close() {
    return wire.close();
  }

  private void onFrame(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException notJson) {
      frame = new JsonObject().put("type", "unparsable").put("text", text);
    }
    if (recording) {
      synchronized (seen) {
        seen.add(frame);
      }
      inbox.add(frame);
    }
    completePending(frame);
    messageHandler.handle(frame);
  }

  private void completePending(JsonObject frame) {
    String type = frame.getString("type");
    if (REPLY_TYPES.contains(type)) {
      Promise<JsonObject> answer = pending.remove(frame.getValue("id", ""));
      if (answer != null) {
        answer.tryComplete(frame);
      }
    } else if (MessageTypes.ERROR.equals(type) && frame.getValue("ref") != null) {
      Promise<JsonObject> answer = pending.remove(frame.getValue("ref"));
      if (answer != null) {
        answer.tryFail(new SignalingException(frame));
      }
    }
  }

  private void onClosed(Short status) {
    closed.tryComplete(status);
    SignalingException gone =
        new SignalingException(
            new JsonObject()
                .put("type", MessageTypes.ERROR)
                .put("code", "connection-closed")
                .put(
                    "message",
                    "The connection closed with status " + status + " before an answer came."));
    pending.values().forEach(answer -> answer.tryFail(gone));
    pending.clear();
    wire.release();
  }
}
