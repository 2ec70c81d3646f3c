package dev.signaling.node.transport.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * One client's stream of frames as Server-Sent Events, on the node the client's request reached: it
 * asks the session's node for the frames after the last one written here, writes what comes, and
 * asks again, until the client goes, the session closes, or a newer stream or poll of the session
 * takes over. The stream's state belongs to the request's event loop.
 */
final class EventStream {
  /** Often enough that proxies (nginx waits 60 s by default) never time an open stream out. */
  static final long KEEP_ALIVE_MS = 15_000;

  private static final long RETRY_MS = 1000;
  private static final String UNKNOWN_SESSION =
      "event: close\ndata: {\"code\":1006,\"reason\":\"unknown session\"}\n\n";

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final OwnerCalls owners;
  private final String id;
  private final String key;
  private final long ack;
  private final long keepAlive;
  private long after;
  private long lastWrite = System.nanoTime();
  private boolean over;

  private EventStream(
      Vertx vertx,
      HttpServerResponse response,
      OwnerCalls owners,
      String id,
      String key,
      long ack) {
    this.vertx = vertx;
    this.response = response;
    this.owners = owners;
    this.id = id;
    this.key = key;
    this.ack = ack;
    this.after = ack;
    this.keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, tick -> keepAlive());
  }

  /**
   * Starts the stream on {@code response}: the headers and a first comment go out at once, so that
   * a client can tell a stream that flows from one a proxy holds back.
   */
  static void serve(
      Vertx vertx,
      HttpServerResponse response,
      OwnerCalls owners,
      String id,
      String key,
      long ack) {
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        // nginx, and proxies that follow it, pass this response on as it comes instead of
        // buffering it.
        .putHeader("X-Accel-Buffering", "no")
        .putHeader("Cache-Control", "no-store, no-transform");
    EventStream stream = new EventStream(vertx, response, owners, id, key, ack);
    response.closeHandler(closed -> stream.stop());
    stream.write(": open\n\n");
    stream.pull();
  }

  private void pull() {
    owners
        .pull(id, key, ack, after, true)
        .onSuccess(
            answer -> {
              if (over) {
                return;
              }
              switch (answer.outcome()) {
                case OK -> {
                  if (!answer.body().isEmpty()) {
                    write(answer.body());
                  }
                  after = answer.last();
                  if (answer.closed()) {
                    write("event: close\ndata: " + answer.closeJson().encode() + "\n\n");
                    end();
                  } else if (response.writeQueueFull()) {
                    // A client that reads slowly: its frames wait at the session, where they count
                    // against its backlog limit.
                    response.drainHandler(drained -> pull());
                  } else {
                    pull();
                  }
                }
                case UNKNOWN -> {
                  write(UNKNOWN_SESSION);
                  end();
                }
                case UNAVAILABLE -> vertx.setTimer(RETRY_MS, again -> pull());
                default -> end();
              }
            });
  }

  private void keepAlive() {
    if (System.nanoTime() - lastWrite >= KEEP_ALIVE_MS * 1_000_000L / 2) {
      write(":\n\n");
    }
  }

  private void write(String text) {
    if (!over) {
      lastWrite = System.nanoTime();
      response.write(text);
    }
  }

  private void end() {
    if (!over) {
      response.end();
    }
    stop();
  }

  private void stop() {
    over = true;
    vertx.cancelTimer(keepAlive);
  }
}
