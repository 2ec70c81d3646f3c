package dev.signaling.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load-generator process of the connection-capacity benchmark: opens {@code connections}
 * WebSockets spread round-robin over the nodes, logs each in, proves a sample of them still relays
 * across nodes, then holds them all until it is stopped (or {@code holdSeconds} pass). One process
 * may open at most as many sockets as its open-file limit allows, so a capacity run starts several
 * of these, each from its own source address ({@code localAddress}, e.g. 127.0.0.2) so that none
 * runs short of ephemeral ports.
 *
 * <p>Prints {@code ready <logged-in> verified <delivered>/<sent>} once all are logged in; exits 1
 * when a login failed or a sample message was lost.
 */
public final class ConnectionHolder {
  private static final int SAMPLE = 100;

  private ConnectionHolder() {}

  public static void main(String[] args) throws Exception {
    List<URI> nodes = Params.baseUrls().stream().map(URI::create).toList();
    int connections = Params.positive("connections", 1000);
    int concurrency = Params.positive("concurrency", 200);
    int holdSeconds = Params.positive("holdSeconds", 600);
    String localAddress = Params.string("localAddress", "");
    String prefix = Params.string("namePrefix", "h") + Params.runId();

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    WebSocketClientOptions options =
        new WebSocketClientOptions().setMaxConnections(Integer.MAX_VALUE).setConnectTimeout(30_000);
    if (!localAddress.isEmpty()) {
      options.setLocalAddress(localAddress);
    }
    WebSocketClient client = vertx.createWebSocketClient(options);
    AtomicInteger delivered = new AtomicInteger();
    WebSocket[] sockets = new WebSocket[connections];
    long started = System.nanoTime();
    openAll(nodes, client, prefix, sockets, concurrency, delivered).await(30, TimeUnit.MINUTES);
    System.out.printf(
        "logged in %d connections in %.1f s%n", connections, (System.nanoTime() - started) / 1e9);

    // The sample: from connection i to connection i + 1, which sits on the next node.
    int sample = Math.min(SAMPLE, connections / 2);
    for (int i = 0; i < sample; i++) {
      sockets[2 * i].writeTextMessage(
          "{\"type\":\"check\",\"target\":\"" + prefix + "-" + (2 * i + 1) + "\"}");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() < sample && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    System.out.printf("ready %d verified %d/%d%n", connections, delivered.get(), sample);
    System.out.flush();
    boolean complete = delivered.get() == sample;
    // Closed politely on SIGTERM, so that the nodes see ordinary disconnects.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    vertx
                        .close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .orTimeout(10, TimeUnit.SECONDS)
                        .exceptionally(failed -> null)
                        .join()));
    TimeUnit.SECONDS.sleep(holdSeconds);
    System.exit(complete ? 0 : 1);
  }

  /** Opens every connection, at most {@code concurrency} logins in flight at once. */
  private static Future<Void> openAll(
      List<URI> nodes,
      WebSocketClient client,
      String prefix,
      WebSocket[] sockets,
      int concurrency,
      AtomicInteger delivered) {
    Promise<Void> all = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    List<Runnable> lanes = new ArrayList<>();
    for (int lane = 0; lane < concurrency; lane++) {
      lanes.add(
          new Runnable() {
            @Override
            public void run() {
              int index = next.getAndIncrement();
              if (index >= sockets.length) {
                return;
              }
              String name = prefix + "-" + index;
              WsLogin.logIn(
                      client,
                      nodes.get(index % nodes.size()),
                      name,
                      frame -> {
                        if (frame.contains("\"check\"")) {
                          delivered.incrementAndGet();
                        }
                      })
                  .onComplete(
                      loggedIn -> {
                        if (loggedIn.failed()) {
                          all.tryFail(loggedIn.cause());
                          return;
                        }
                        sockets[index] = loggedIn.result();
                        if (done.incrementAndGet() == sockets.length) {
                          all.tryComplete();
                        }
                        run();
                      });
            }
          });
    }
    lanes.forEach(Runnable::run);
    return all.future();
  }
}
