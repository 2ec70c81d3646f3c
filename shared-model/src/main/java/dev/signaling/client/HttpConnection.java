package dev.signaling.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One session over a node's HTTP transport (docs/protocol.md, "The HTTP transport"), for clients
 * whose WebSockets are blocked: frames go up in posts, one post at a time, and come down on a
 * stream of Server-Sent Events or by long-polling. Any node of the cluster may be asked: the
 * session is created on {@link Options#createPort()}, and every later request goes to the next of
 * {@link Options#requestPorts()} in turn, as a round-robin load balancer would send them.
 *
 * <p>A post that fails on the way is sent again under the same sequence number, which the node
 * reads only once; a downstream request asks for the frames after the last one received, so a
 * response lost on the way loses nothing. Everything runs on one Vert.x context, whichever thread
 * calls.
 */
public final class HttpConnection {
  public static final String SESSIONS = "/http/sessions";
  public static final String KEY_HEADER = "X-Signaling-Session-Key";

  /**
   * A close that came with no close from the node (its session is unknown): as a dropped socket.
   */
  public static final short ABNORMAL_CLOSURE = 1006;

  private static final long RETRY_MS = 250;

  /** Requests that fail in a row before the session counts as lost. */
  private static final int MAX_FAILURES = 40;

  /** Longer than a poll waits at the node. */
  private static final long REQUEST_TIMEOUT_MS = 40_000;

  /** How frames come down. */
  public enum Downstream {
    STREAM,
    LONG_POLL
  }

  /**
   * @param host the nodes' host
   * @param createPort the node that creates the session, and holds it
   * @param requestPorts the nodes that every later request goes to, in turn
   * @param downstream how frames come down
   */
  public record Options(
      String host, int createPort, List<Integer> requestPorts, Downstream downstream) {
    public Options {
      requestPorts = List.copyOf(requestPorts);
    }

    /** Every request to one node. */
    public static Options of(String host, int port, Downstream downstream) {
      return new Options(host, port, List.of(port), downstream);
    }
  }

  private final Context context;
  private final HttpClient client;
  private final Options options;
  private final String id;
  private final String key;
  private final List<String> outbox = new ArrayList<>();
  private final List<Promise<Void>> outboxSent = new ArrayList<>();
  private Handler<String> frames = frame -> {};
  private Handler<Short> closeHandler = code -> {};
  private HttpClientResponse stream;
  private boolean posting;
  private long nextPost;
  private long received;
  private int nextPort;
  private int failures;
  private boolean closed;
  private short closeCode;
  private String closeReason = "";

  private HttpConnection(
      Context context, HttpClient client, Options options, String id, String key) {
    this.context = context;
    this.client = client;
    this.options = options;
    this.id = id;
    this.key = key;
  }

  /** Creates a session; frames flow once {@link #start} is called. */
  public static Future<HttpConnection> open(Vertx vertx, Options options) {
    Context context = vertx.getOrCreateContext();
    Promise<HttpConnection> opened = Promise.promise();
    context.runOnContext(
        now -> {
          HttpClient client =
              vertx.createHttpClient(
                  new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
          client
              .request(
                  new RequestOptions()
                      .setMethod(HttpMethod.POST)
                      .setHost(options.host())
                      .setPort(options.createPort())
                      .setURI(SESSIONS))
              .compose(HttpClientRequest::send)
              .compose(
                  response ->
                      response
                          .body()
                          .compose(
                              body ->
                                  response.statusCode() == 201
                                      ? Future.succeededFuture(body.toJsonObject())
                                      : Future.failedFuture(
                                          "the node refused the session: "
                                              + response.statusCode()
                                              + " "
                                              + body)))
              .onSuccess(
                  created ->
                      opened.complete(
                          new HttpConnection(
                              context,
                              client,
                              options,
                              created.getString("session"),
                              created.getString("key"))))
              .onFailure(
                  failed -> {
                    client.close();
                    opened.fail(failed);
                  });
        });
    return opened.future();
  }

  /** The session's id, as the node named it. */
  public String id() {
    return id;
  }

  /**
   * Starts the downstream: {@code frames} gets every frame the node sends, {@code closed} the close
   * code once the session is over (1006 when it was lost rather than closed by the node).
   */
  public HttpConnection start(Handler<String> frames, Handler<Short> closed) {
    context.runOnContext(
        now -> {
          this.frames = frames;
          this.closeHandler = closed;
          if (options.downstream() == Downstream.STREAM) {
            stream();
          } else {
            poll();
          }
        });
    return this;
  }

  /** Sends one frame; completes once the post that carried it is answered. */
  public Future<Void> send(String frame) {
    Promise<Void> sent = Promise.promise();
    context.runOnContext(
        now -> {
          if (closed) {
            sent.fail("the HTTP session is closed");
            return;
          }
          outbox.add(frame);
          outboxSent.add(sent);
          flush();
        });
    return sent.future();
  }

  /** Ends the session, as closing a WebSocket does. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        now -> {
          if (closed) {
            done.complete();
            return;
          }
          request(HttpMethod.DELETE, "", null)
              .onComplete(
                  ended -> {
                    closeWith((short) 1000, "");
                    done.complete();
                  });
        });
    return done.future();
  }

  public Short closeCode() {
    return closed ? closeCode : null;
  }

  public String closeReason() {
    return closeReason;
  }

  private void flush() {
    if (posting || outbox.isEmpty() || closed) {
      return;
    }
    posting = true;
    String body = String.join("\n", outbox);
    List<Promise<Void>> sent = List.copyOf(outboxSent);
    outbox.clear();
    outboxSent.clear();
    post(body, sent, 0);
  }

  private void post(String body, List<Promise<Void>> sent, int attempt) {
    request(HttpMethod.POST, "/send?seq=" + nextPost + "&ack=" + received, body)
        .onComplete(
            answered -> {
              if (closed) {
                sent.forEach(each -> each.tryFail("the HTTP session is closed"));
                return;
              }
              int status = answered.succeeded() ? answered.result().status() : 0;
              if (status == 204) {
                nextPost++;
                posting = false;
                sent.forEach(Promise::tryComplete);
                flush();
              } else if (status == 410) {
                closeFrom(answered.result().json().getJsonObject("close"));
                sent.forEach(each -> each.tryFail("the HTTP session is closed"));
              } else if (status == 404 || attempt >= MAX_FAILURES) {
                closeWith(ABNORMAL_CLOSURE, "");
                sent.forEach(each -> each.tryFail("the HTTP session is lost"));
              } else {
                // Lost on the way, or the node was busy: the same post again, read at most once.
                context.owner().setTimer(RETRY_MS, again -> post(body, sent, attempt + 1));
              }
            });
  }

  private void poll() {
    request(HttpMethod.GET, "/poll?ack=" + received, null)
        .onComplete(
            answered -> {
              if (closed) {
                return;
              }
              int status = answered.succeeded() ? answered.result().status() : 0;
              if (status == 200) {
                failures = 0;
                JsonObject answer = answered.result().json();
                JsonArray polled = answer.getJsonArray("frames");
                for (int i = 0; i < polled.size() && !closed; i++) {
                  frames.handle(polled.getJsonObject(i).encode());
                }
                received = answer.getLong("last");
                if (answer.containsKey("close")) {
                  closeFrom(answer.getJsonObject("close"));
                } else {
                  poll();
                }
              } else {
                downstreamFailed(status, this::poll);
              }
            });
  }

  private void stream() {
    client
        .request(options(HttpMethod.GET, "/stream?ack=" + received).setIdleTimeout(0))
        .compose(HttpClientRequest::send)
        .onComplete(
            responded -> {
              if (closed) {
                if (responded.succeeded()) {
                  responded.result().request().reset();
                }
                return;
              }
              if (responded.failed() || responded.result().statusCode() != 200) {
                int status = responded.succeeded() ? responded.result().statusCode() : 0;
                downstreamFailed(status, this::stream);
                return;
              }
              failures = 0;
              stream = responded.result();
              ServerSentEvents events = new ServerSentEvents(this::onEvent, () -> closed);
              stream.handler(bytes -> events.feed(bytes));
              stream.exceptionHandler(broken -> {});
              stream.endHandler(
                  ended -> {
                    // Cut by a proxy or a node going away: the session goes on, from where we are.
                    if (!closed) {
                      stream();
                    }
                  });
            });
  }

  private void downstreamFailed(int status, Runnable again) {
    if (status == 404 || ++failures > MAX_FAILURES) {
      closeWith(ABNORMAL_CLOSURE, "");
    } else {
      context.owner().setTimer(RETRY_MS, retry -> again.run());
    }
  }

  private void onEvent(String event, String lastId, String data) {
    if ("close".equals(event)) {
      closeFrom(new JsonObject(data));
    } else if (data != null) {
      received = Long.parseLong(lastId);
      frames.handle(data);
    }
  }

  private void closeFrom(JsonObject close) {
    closeWith(close.getInteger("code").shortValue(), close.getString("reason", ""));
  }

  private void closeWith(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    closeCode = code;
    closeReason = reason;
    if (stream != null) {
      stream.request().reset();
    }
    outboxSent.forEach(each -> each.tryFail("the HTTP session is closed"));
    outbox.clear();
    outboxSent.clear();
    closeHandler.handle(code);
    client.close();
  }

  private record Reply(int status, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  private Future<Reply> request(HttpMethod method, String path, String body) {
    return client
        .request(options(method, path).setIdleTimeout(REQUEST_TIMEOUT_MS))
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(
            response -> response.body().map(content -> new Reply(response.statusCode(), content)));
  }

  private RequestOptions options(HttpMethod method, String path) {
    List<Integer> ports = options.requestPorts();
    int port = ports.get(nextPort++ % ports.size());
    return new RequestOptions()
        .setMethod(method)
        .setHost(options.host())
        .setPort(port)
        .setURI(SESSIONS + "/" + id + path)
        .putHeader(KEY_HEADER, key);
  }
}
