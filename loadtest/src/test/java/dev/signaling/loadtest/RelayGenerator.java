package dev.signaling.loadtest;

import dev.signaling.client.HttpConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * One event loop's share of {@link RelayBenchmark}: pairs of users, each half of a pair on a
 * different node, sending {@code new-ice-candidate} frames to each other at a fixed rate, over
 * WebSockets or over the HTTP transport.
 *
 * <p>The rate is an open model: a 1 ms timer sends every message that is due by then, whether or
 * not earlier ones have arrived. Each frame carries the time it was due, and its receiver (in this
 * same JVM) records the delay from that time to its arrival, so that a stall delays the messages
 * behind it in the figures too (no coordinated omission). Everything here runs on the verticle's
 * one event loop.
 */
final class RelayGenerator extends VerticleBase {
  /**
   * A real browser candidate, the frame a call sends most of; {@code "due"} is the generator's
   * field.
   */
  private static final String FRAME_START = "{\"type\":\"new-ice-candidate\",";

  private static final String TARGET_START = "\"target\":\"";
  private static final String ACK_START = "{\"type\":\"ack\"";

  private static final String FRAME_MIDDLE =
      "\",\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 "
          + "198.51.100.23 61844 typ srflx raddr 10.0.0.12 rport 61844 generation 0 ufrag hW3x network-cost 999\","
          + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"hW3x\"},\"due\":";
  private static final String DUE_FIELD = "\"due\":";

  private final List<URI> nodes;
  private final RelayTransport transport;
  private final String runId;
  private final int firstPair;
  private final int pairs;
  private final double ratePerSecond;
  private final boolean withIds;
  private long acks;
  private final Histogram latencyMicros = new Histogram(60_000_000L, 3);
  private final List<Endpoint> senders = new ArrayList<>();
  private WebSocketClient client;
  private long startNanos;
  private long sent;
  private long received;
  private long errors;
  private String firstError;
  private long timer = -1;
  private long dueCount;
  private long windowFrom = Long.MAX_VALUE;
  private long windowTo = Long.MAX_VALUE;

  RelayGenerator(
      List<URI> nodes,
      RelayTransport transport,
      String runId,
      int firstPair,
      int pairs,
      double ratePerSecond,
      boolean withIds) {
    this.nodes = nodes;
    this.withIds = withIds;
    this.transport = transport;
    this.runId = runId;
    this.firstPair = firstPair;
    this.pairs = pairs;
    this.ratePerSecond = ratePerSecond;
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxMessageSize(1 << 20)
                .setMaxConnections(Integer.MAX_VALUE));
    List<Future<Endpoint>> logins = new ArrayList<>();
    for (int pair = firstPair; pair < firstPair + pairs; pair++) {
      String a = "a" + pair + "-" + runId;
      String b = "b" + pair + "-" + runId;
      // Consecutive nodes, so that with two or more nodes the halves of a pair are never on the
      // same one.
      URI first = nodes.get(pair % nodes.size());
      URI second = nodes.get((pair + 1) % nodes.size());
      logins.add(connect(first, second, a, b));
      logins.add(connect(second, first, b, a));
    }
    return Future.all(logins)
        .onSuccess(
            all -> {
              for (Future<Endpoint> login : logins) {
                senders.add(login.result());
              }
            });
  }

  /**
   * Logs {@code name} in on {@code node}; over HTTP, its requests alternate between {@code node}
   * and {@code other}.
   */
  private Future<Endpoint> connect(URI node, URI other, String name, String peer) {
    String prefix = TARGET_START + peer + FRAME_MIDDLE;
    return switch (transport) {
      case WEBSOCKET ->
          WsLogin.logIn(client, node, name, this::onFrame)
              .map(socket -> new Endpoint(socket::writeTextMessage, socket::close, prefix));
      case HTTP, LONG_POLL ->
          HttpLogin.logIn(
                  vertx,
                  node,
                  other,
                  transport == RelayTransport.HTTP
                      ? HttpConnection.Downstream.STREAM
                      : HttpConnection.Downstream.LONG_POLL,
                  name,
                  this::onFrame)
              .map(connection -> new Endpoint(connection::send, connection::close, prefix));
    };
  }

  private void onFrame(String frame) {
    int due = frame.lastIndexOf(DUE_FIELD);
    if (due < 0) {
      if (frame.startsWith(ACK_START)) {
        acks++;
      } else if (frame.contains("\"error\"")) {
        errors++;
        if (firstError == null) {
          firstError = frame;
        }
      }
      return;
    }
    long arrived = System.nanoTime();
    long dueNanos = Long.parseLong(frame, due + DUE_FIELD.length(), frame.length() - 1, 10);
    if (inWindow(dueNanos)) {
      received++;
      latencyMicros.recordValue(Math.max(0, (arrived - dueNanos) / 1000));
    }
  }

  private boolean inWindow(long dueNanos) {
    return dueNanos - windowFrom >= 0 && dueNanos - windowTo < 0;
  }

  /**
   * Starts sending at the configured rate from {@code startNanos}; messages due within [{@code
   * windowFrom}, {@code windowTo}) are the ones counted and timed.
   */
  Future<Void> startSending(long startNanos, long windowFrom, long windowTo) {
    Promise<Void> started = Promise.promise();
    context.runOnContext(
        now -> {
          this.startNanos = startNanos;
          this.windowFrom = windowFrom;
          this.windowTo = windowTo;
          timer = vertx.setPeriodic(1, tick -> sendDue());
          started.complete();
        });
    return started.future();
  }

  private void sendDue() {
    long now = System.nanoTime();
    long due = (long) ((now - startNanos) * ratePerSecond / 1e9);
    while (dueCount < due) {
      long dueAt = startNanos + (long) (dueCount * 1e9 / ratePerSecond);
      Endpoint sender = senders.get((int) (dueCount % senders.size()));
      // With ids, every message is acked: the relay's confirmation path is measured too.
      String head = withIds ? FRAME_START + "\"id\":" + dueCount + "," : FRAME_START;
      sender.send.apply(head + sender.framePrefix + dueAt + "}");
      dueCount++;
      if (inWindow(dueAt)) {
        sent++;
      }
    }
  }

  Future<Void> stopSending() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(
        now -> {
          vertx.cancelTimer(timer);
          stopped.complete();
        });
    return stopped.future();
  }

  /** The counts so far, read on the event loop. */
  Future<Counts> counts() {
    Promise<Counts> counts = Promise.promise();
    context.runOnContext(
        now ->
            counts.complete(
                new Counts(
                    sent, received, errors, firstError, latencyMicros.copy(), dueCount, acks)));
    return counts.future();
  }

  /** Ends every session, so that the nodes are left as they were for the next run. */
  @Override
  public Future<?> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    senders.forEach(sender -> closed.add(sender.close.get()));
    return Future.join(closed).eventually(client::close);
  }

  /**
   * @param sentInAll every message sent, warm-up included
   * @param acks the acks received for them, when they carry ids
   */
  record Counts(
      long sent,
      long received,
      long errors,
      String firstError,
      Histogram latencyMicros,
      long sentInAll,
      long acks) {}

  private record Endpoint(
      Function<String, Future<Void>> send, Supplier<Future<Void>> close, String framePrefix) {}
}
