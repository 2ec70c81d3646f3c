package dev.signaling.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Pairs of users that set up calls all at once, round after round, each as a browser does it: the
 * caller sends {@code video-offer} (a 3 KB SDP) and trickles half the ICE candidates, the callee
 * answers with {@code video-answer} and trickles the other half, and the caller ends the call with
 * {@code hang-up} once both sides have everything. The two users of a pair are on different nodes.
 * Messages carry no {@code id}, as most clients send them, so the same storm runs against the bare
 * relay. Each message carries the time it was sent; its receiver (in this JVM) records the delay,
 * and the caller records each call's setup time, from its offer to the moment both sides have all
 * of the other's messages. One event loop.
 */
final class CallStorm extends VerticleBase {
  private static final String CANDIDATE =
      "\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 198.51.100.23 61844 typ"
          + " srflx raddr 10.0.0.12 rport 61844 generation 0 ufrag hW3x network-cost 999\","
          + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"hW3x\"}";

  private static final String OFFER =
      "\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + Sdp.jsonEscaped(Sdp.OFFER) + "\"}";
  private static final String ANSWER =
      "\"sdp\":{\"type\":\"answer\",\"sdp\":\"" + Sdp.jsonEscaped(Sdp.ANSWER) + "\"}";

  private final List<URI> nodes;
  private final String runId;
  private final int pairs;
  private final int rounds;
  private final int candidates;
  private final Histogram messageMicros = new Histogram(60_000_000L, 3);
  private final Histogram setupMicros = new Histogram(60_000_000L, 3);
  private final Map<String, Call> calls = new HashMap<>();
  private final Promise<Void> done = Promise.promise();
  private WebSocketClient client;
  private int callsLeft;
  private long messages;
  private long errors;
  private String firstError;

  CallStorm(List<URI> nodes, String runId, int pairs, int rounds, int candidates) {
    this.nodes = nodes;
    this.runId = runId;
    this.pairs = pairs;
    this.rounds = rounds;
    this.candidates = candidates;
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxMessageSize(1 << 20)
                .setMaxConnections(Integer.MAX_VALUE));
    List<Future<?>> logins = new ArrayList<>();
    for (int pair = 0; pair < pairs; pair++) {
      Call call = new Call("c" + pair + "-" + runId, "e" + pair + "-" + runId);
      calls.put(call.caller, call);
      calls.put(call.callee, call);
      URI first = nodes.get(pair % nodes.size());
      URI second = nodes.get((pair + 1) % nodes.size());
      logins.add(
          WsLogin.logIn(client, first, call.caller, this::onFrame)
              .onSuccess(socket -> call.callerSocket = socket));
      logins.add(
          WsLogin.logIn(client, second, call.callee, this::onFrame)
              .onSuccess(socket -> call.calleeSocket = socket));
    }
    return Future.all(logins);
  }

  /**
   * Starts every call at once; completes when every pair has made all its rounds and the last
   * hang-ups have arrived.
   */
  Future<Void> storm() {
    context.runOnContext(
        now -> {
          callsLeft = pairs;
          calls.values().stream().distinct().forEach(this::offer);
        });
    return done.future();
  }

  private void offer(Call call) {
    call.startedAt = System.nanoTime();
    call.callerHas = call.calleeHas = 0;
    send(call.callerSocket, "video-offer", call.callee, OFFER);
    for (int i = 0; i < candidates / 2; i++) {
      send(call.callerSocket, "new-ice-candidate", call.callee, CANDIDATE);
    }
  }

  private void onFrame(String text) {
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    if ("error".equals(type)) {
      errors++;
      firstError = firstError == null ? text : firstError;
      return;
    }
    Long sent = frame.getLong("sent");
    String to = frame.getString("to");
    if (sent == null || to == null) {
      return;
    }
    messages++;
    messageMicros.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
    Call call = calls.get(to);
    boolean atCaller = to.equals(call.caller);
    switch (type) {
      case "video-offer" -> {
        send(call.calleeSocket, "video-answer", call.caller, ANSWER);
        for (int i = 0; i < candidates - candidates / 2; i++) {
          send(call.calleeSocket, "new-ice-candidate", call.caller, CANDIDATE);
        }
        call.calleeHas++;
      }
      case "hang-up" -> {
        // The storm is over when the last call's hang-up has arrived too: every message counted.
        if (call.round == rounds && --callsLeft == 0) {
          done.complete();
        }
      }
      default -> {
        if (atCaller) {
          call.callerHas++;
        } else {
          call.calleeHas++;
        }
      }
    }
    // The caller has the answer and the callee's candidates; the callee the offer and the caller's.
    int callerExpects = 1 + candidates - candidates / 2;
    int calleeExpects = 1 + candidates / 2;
    if (call.callerHas == callerExpects && call.calleeHas == calleeExpects) {
      call.callerHas = -1;
      setupMicros.recordValue((System.nanoTime() - call.startedAt) / 1000);
      send(call.callerSocket, "hang-up", call.callee, "\"reason\":\"done\"");
      if (++call.round < rounds) {
        offer(call);
      }
    }
  }

  private void send(WebSocket socket, String type, String target, String body) {
    socket.writeTextMessage(
        "{\"type\":\""
            + type
            + "\",\"target\":\""
            + target
            + "\",\"to\":\""
            + target
            + "\","
            + body
            + ",\"sent\":"
            + System.nanoTime()
            + "}");
  }

  /** The histograms and counts, read on the event loop. */
  Future<Result> result() {
    Promise<Result> result = Promise.promise();
    context.runOnContext(
        now ->
            result.complete(
                new Result(
                    messages, errors, firstError, messageMicros.copy(), setupMicros.copy())));
    return result.future();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    calls.values().stream()
        .distinct()
        .forEach(
            call -> {
              closed.add(call.callerSocket.close());
              closed.add(call.calleeSocket.close());
            });
    return Future.join(closed).eventually(client::close);
  }

  record Result(
      long messages,
      long errors,
      String firstError,
      Histogram messageMicros,
      Histogram setupMicros) {}

  /** One pair's call, round after round. */
  private static final class Call {
    final String caller;
    final String callee;
    WebSocket callerSocket;
    WebSocket calleeSocket;
    long startedAt;
    int callerHas;
    int calleeHas;
    int round;

    Call(String caller, String callee) {
      this.caller = caller;
      this.callee = callee;
    }
  }
}
