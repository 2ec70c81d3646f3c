package dev.signaling.loadtest;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * durationSeconds} (30), {@code loops} (the generator's event loops, 1), {@code report} (a file the
 * summary is appended to). Exits 0 when every message timed was delivered and no error came back, 1
 * otherwise.
 */
public final class RelayBenchmark {
  private RelayBenchmark() {}

  public static void main(String[] args) throws Exception {
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
    String runId = Params.runId();

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    List<RelayGenerator> generators = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      int first = i * pairs / loops;
      int count = (i + 1) * pairs / loops - first;
      RelayGenerator generator =
          new RelayGenerator(nodes, runId, first, count, (double) rate / loops);
      generators.add(generator);
      deployed.add(vertx.deployVerticle(generator));
    }
    Future.all(deployed).await(2, TimeUnit.MINUTES);
    System.out.printf("%d pairs logged in over %d nodes%n", pairs, nodes.size());

    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long windowFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long windowTo = windowFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
    List<Future<Void>> sending = new ArrayList<>();
    generators.forEach(
        generator -> sending.add(generator.startSending(start, windowFrom, windowTo)));
    Future.all(sending).await(1, TimeUnit.MINUTES);

    sleepUntil(windowFrom);
    Snapshot before = Snapshot.take(nodes);
    sleepUntil(windowTo);
    Snapshot after = Snapshot.take(nodes);
    generators.forEach(RelayGenerator::stopSending);

    // Messages of the window still in flight get 5 s to arrive; then the rest count as lost.
    long sent = 0;
    long received = 0;
    long errors = 0;
    Histogram latency = new Histogram(60_000_000L, 3);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      sent = received = errors = 0;
      latency.reset();
      for (RelayGenerator generator : generators) {
        RelayGenerator.Counts counts = generator.counts().await(10, TimeUnit.SECONDS);
        sent += counts.sent();
        received += counts.received();
        errors += counts.errors();
        latency.add(counts.latencyMicros());
      }
      if (received >= sent || System.nanoTime() - giveUp > 0) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    vertx.close().await(30, TimeUnit.SECONDS);

    String summary =
        summarize(
            rate,
            pairs,
            nodes.size(),
            durationSeconds,
            sent,
            received,
            errors,
            latency,
            before,
            after);
    System.out.println(summary);
    if (!report.isEmpty()) {
      Files.writeString(
          Path.of(report), summary + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    System.exit(received == sent && errors == 0 ? 0 : 1);
  }

  private static String summarize(
      int rate,
      int pairs,
      int nodeCount,
      int seconds,
      long sent,
      long received,
      long errors,
      Histogram latency,
      Snapshot before,
      Snapshot after) {
    double wallSeconds = (after.atNanos - before.atNanos) / 1e9;
    double relayed = after.relayed - before.relayed;
    double nodeCpuMs = (after.nodeCpuNanos - before.nodeCpuNanos) / 1e6;
    double generatorCpuMs = (after.generatorCpuNanos - before.generatorCpuNanos) / 1e6;
    return String.format(
        Locale.ROOT,
        "relay rate %d msg/s, %d pairs over %d nodes, %d s: sent %d, received %d, lost %d, errors %d%n"
            + "  delivery latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n"
            + "  nodes relayed %.0f msg/s; node CPU %.1f ms per 1000 messages (%.2f cores in all);"
            + " generator CPU %.2f cores%n"
            + "  node heap used at the end: %.0f MB in all",
        rate,
        pairs,
        nodeCount,
        seconds,
        sent,
        received,
        sent - received,
        errors,
        latency.getValueAtPercentile(50) / 1000.0,
        latency.getValueAtPercentile(90) / 1000.0,
        latency.getValueAtPercentile(99) / 1000.0,
        latency.getValueAtPercentile(99.9) / 1000.0,
        latency.getMaxValue() / 1000.0,
        relayed / wallSeconds,
        relayed == 0 ? 0 : nodeCpuMs / relayed * 1000,
        nodeCpuMs / 1000 / wallSeconds,
        generatorCpuMs / 1000 / wallSeconds,
        after.heapBytes / 1e6);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** The nodes' counters and the generator's own CPU time at one moment. */
  private record Snapshot(
      long atNanos, double nodeCpuNanos, double relayed, double heapBytes, long generatorCpuNanos) {
    static Snapshot take(List<URI> nodes) throws IOException, InterruptedException {
      long at = System.nanoTime();
      double cpu = 0;
      double relayed = 0;
      double heap = 0;
      for (URI node : nodes) {
        NodeMetrics metrics = NodeMetrics.read(NodeMetrics.metricsUrl(node));
        cpu += metrics.cpuNanos();
        relayed += metrics.relayed();
        heap += metrics.heapUsedBytes();
      }
      long generatorCpu =
          ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      return new Snapshot(at, cpu, relayed, heap, generatorCpu);
    }
  }
}
