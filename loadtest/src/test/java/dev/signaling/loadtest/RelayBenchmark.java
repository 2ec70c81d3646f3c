package dev.signaling.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The relay-rate benchmark: how many user-to-user messages a cluster relays per second across
 * nodes, and how long each takes from the moment it was due to be sent to its arrival at its
 * target. A plain Vert.x program rather than a Gatling simulation, because it measures one-way
 * delivery (sender and receiver are both in this JVM, so one clock times both ends) at a fixed rate
 * of thousands per second, which needs a load generator much cheaper per message than Gatling's.
 *
 * <p>Parameters (system properties): {@code baseUrls} (two or more nodes, required), {@code rate}
 * (messages per second, 1000), {@code pairs} (200), {@code warmupSeconds} (10), {@code
 * durationSeconds} (30), {@code loops} (the generator's event loops, 1), {@code transports} (what
 * carries the frames: {@code websocket}, {@code http}, {@code long-poll}, comma-separated for one
 * run each, one after the other against the same nodes; {@code websocket} by default), {@code
 * report} (a file the summary is appended to), {@code ids} ({@code true}: every message carries an
 * {@code id}, so that the node acks each, and the acks are counted; {@code false} by default, as
 * ICE candidates are usually sent). With {@code websocket} first and others after it, the others'
 * node CPU per message and latency are also given as multiples of the WebSocket's. {@code
 * referenceUrls} (as many nodes of the bare relay, {@code bare.BareRelayNode}): after those runs,
 * the same load over WebSockets against the bare relay, and every run's node CPU per message and
 * latency as multiples of the bare relay's. Exits 0 when every message timed was delivered and no
 * error came back, 1 otherwise, 2 when the benchmark could not run to its end (a login refused, a
 * node that did not answer).
 */
public final class RelayBenchmark {
  private RelayBenchmark() {}

  public static void main(String[] args) {
    try {
      System.exit(benchmark());
    } catch (Exception failed) {
      // Exits all the same: the generators' Vert.x threads would otherwise keep the JVM sending.
      failed.printStackTrace();
      System.exit(2);
    }
  }

  private static int benchmark() throws Exception {
    List<URI> nodes = Params.baseUrls().stream().map(URI::create).toList();
    if (nodes.size() < 2) {
      throw new IllegalArgumentException(
          "-DbaseUrls must name at least two nodes: the benchmark relays across nodes");
    }
    int rate = Params.positive("rate", 1000);
    int pairs = Params.positive("pairs", 200);
    int warmupSeconds = Params.integer("warmupSeconds", 10);
    int durationSeconds = Params.positive("durationSeconds", 30);
    int loops = Params.positive("loops", 1);
    String report = Params.string("report", "");
    boolean withIds = Boolean.parseBoolean(Params.string("ids", "false"));
    String runId = Params.runId();
    List<RelayTransport> transports =
        Arrays.stream(Params.string("transports", "websocket").split(","))
            .map(RelayTransport::parse)
            .toList();

    List<RelayResult> results = new ArrayList<>();
    for (int i = 0; i < transports.size(); i++) {
      RelayResult result =
          run(
              nodes,
              transports.get(i),
              runId + i,
              rate,
              pairs,
              warmupSeconds,
              durationSeconds,
              loops,
              withIds);
      results.add(result);
      String summary = result.summary(rate, pairs, nodes.size(), durationSeconds);
      System.out.println(summary);
      appendTo(report, summary);
    }
    if (results.size() > 1 && results.get(0).transport() == RelayTransport.WEBSOCKET) {
      String comparison = RelayResult.comparison(rate, results);
      System.out.println(comparison);
      appendTo(report, comparison);
    }
    String referenceUrls = Params.string("referenceUrls", "");
    if (!referenceUrls.isEmpty()) {
      List<URI> reference =
          Arrays.stream(referenceUrls.split(",")).map(String::trim).map(URI::create).toList();
      RelayResult bare =
          run(
              reference,
              RelayTransport.WEBSOCKET,
              runId + "r",
              rate,
              pairs,
              warmupSeconds,
              durationSeconds,
              loops,
              withIds);
      String summary =
          "reference, the bare relay: "
              + bare.summary(rate, pairs, reference.size(), durationSeconds);
      System.out.println(summary);
      appendTo(report, summary);
      String comparison = RelayResult.againstReference(rate, results, bare);
      System.out.println(comparison);
      appendTo(report, comparison);
      results.add(bare);
    }
    return results.stream().allMatch(RelayResult::clean) ? 0 : 1;
  }

  /** One run over {@code transport}: its own users, logged in, warmed up, then measured. */
  private static RelayResult run(
      List<URI> nodes,
      RelayTransport transport,
      String runId,
      int rate,
      int pairs,
      int warmupSeconds,
      int durationSeconds,
      int loops,
      boolean withIds)
      throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    List<RelayGenerator> generators = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      int first = i * pairs / loops;
      int count = (i + 1) * pairs / loops - first;
      RelayGenerator generator =
          new RelayGenerator(nodes, transport, runId, first, count, (double) rate / loops, withIds);
      generators.add(generator);
      deployed.add(vertx.deployVerticle(generator));
    }
    Future.all(deployed).await(2, TimeUnit.MINUTES);
    System.out.printf(
        "%d pairs logged in over %d nodes (%s)%n", pairs, nodes.size(), transport.label());

    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long windowFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long windowTo = windowFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
    List<Future<Void>> sending = new ArrayList<>();
    generators.forEach(
        generator -> sending.add(generator.startSending(start, windowFrom, windowTo)));
    Future.all(sending).await(1, TimeUnit.MINUTES);

    sleepUntil(windowFrom);
    RelayResult.Snapshot before = RelayResult.Snapshot.take(nodes);
    sleepUntil(windowTo);
    RelayResult.Snapshot after = RelayResult.Snapshot.take(nodes);
    generators.forEach(RelayGenerator::stopSending);

    // Messages of the window still in flight get 5 s to arrive; then the rest count as lost.
    long sent = 0;
    long sentInAll = 0;
    long acks = 0;
    long received = 0;
    long errors = 0;
    String firstError = null;
    Histogram latency = new Histogram(60_000_000L, 3);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      sent = received = errors = sentInAll = acks = 0;
      latency.reset();
      for (RelayGenerator generator : generators) {
        RelayGenerator.Counts counts = generator.counts().await(10, TimeUnit.SECONDS);
        sent += counts.sent();
        received += counts.received();
        errors += counts.errors();
        sentInAll += counts.sentInAll();
        acks += counts.acks();
        firstError = firstError != null ? firstError : counts.firstError();
        latency.add(counts.latencyMicros());
      }
      if (received >= sent || System.nanoTime() - giveUp > 0) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    if (withIds) {
      // The bare relay acks nothing; the node must ack every message.
      System.out.printf("%d acks for the %d messages sent with an id%n", acks, sentInAll);
    }
    if (firstError != null) {
      System.out.println("first error: " + firstError);
    }
    return new RelayResult(transport, sent, received, errors, latency, before, after);
  }

  private static void appendTo(String report, String text) throws IOException {
    if (!report.isEmpty()) {
      Files.writeString(
          Path.of(report), text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
