package dev.signaling.loadtest;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one run of {@link RelayBenchmark} measured, over one transport: the generator's counts and
 * latencies, and the nodes' counters at the start and the end of the measured window.
 */
record RelayResult(
    RelayTransport transport,
    long sent,
    long received,
    long errors,
    Histogram latency,
    Snapshot before,
    Snapshot after) {

  boolean clean() {
    return received == sent && errors == 0;
  }

  double relayed() {
    return after.relayed - before.relayed;
  }

  double cpuMsPerThousand() {
    double relayed = relayed();
    return relayed == 0 ? 0 : (after.nodeCpuNanos - before.nodeCpuNanos) / 1e6 / relayed * 1000;
  }

  /**
   * Each later run's node CPU per message and latency percentiles as multiples of the first's, the
   * WebSocket's: measured minutes apart on the same nodes, so that a shared machine's other work
   * weighs on both alike.
   */
  static String comparison(int rate, List<RelayResult> results) {
    RelayResult base = results.get(0);
    StringBuilder text =
        new StringBuilder(String.format(Locale.ROOT, "compared with websocket at %d msg/s:", rate));
    for (RelayResult result : results.subList(1, results.size())) {
      text.append(
          String.format(
              Locale.ROOT,
              "%n  %s: node CPU per message %s; delivery latency p50 %s, p99 %s",
              result.transport().label(),
              ratio(result.cpuMsPerThousand(), base.cpuMsPerThousand()),
              ratio(
                  result.latency().getValueAtPercentile(50),
                  base.latency().getValueAtPercentile(50)),
              ratio(
                  result.latency().getValueAtPercentile(99),
                  base.latency().getValueAtPercentile(99))));
    }
    return text.toString();
  }

  /**
   * Each run's node CPU per message and latency percentiles as multiples of the bare relay's,
   * measured right after them with the same load: what the signaling node costs over the stack it
   * is built on.
   */
  static String againstReference(int rate, List<RelayResult> results, RelayResult bare) {
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "compared with the bare relay at %d msg/s (node CPU %.1f ms per 1000 messages,"
                    + " p50 %.2f ms, p99 %.2f ms):",
                rate,
                bare.cpuMsPerThousand(),
                bare.latency().getValueAtPercentile(50) / 1000.0,
                bare.latency().getValueAtPercentile(99) / 1000.0));
    for (RelayResult result : results) {
      text.append(
          String.format(
              Locale.ROOT,
              "%n  signaling node over %s: node CPU per message %s; delivery latency p50 %s, p99 %s",
              result.transport().label(),
              ratio(result.cpuMsPerThousand(), bare.cpuMsPerThousand()),
              ratio(
                  result.latency().getValueAtPercentile(50),
                  bare.latency().getValueAtPercentile(50)),
              ratio(
                  result.latency().getValueAtPercentile(99),
                  bare.latency().getValueAtPercentile(99))));
    }
    return text.toString();
  }

  /** {@code x1.23}, or {@code n/a} when the run divided by measured nothing. */
  private static String ratio(double value, double base) {
    return base > 0 ? String.format(Locale.ROOT, "x%.2f", value / base) : "n/a";
  }

  /**
   * What explains most of the HTTP transport's cost: its requests per message relayed. A post
   * carries every frame its session queued while the previous post was out, and a poll every frame
   * waiting for it, so both fall below one per message only when frames come faster than a round
   * trip.
   */
  private String httpRequests() {
    double relayed = relayed();
    if (transport == RelayTransport.WEBSOCKET || relayed == 0) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "%n  HTTP requests per message relayed: %.2f posts, %.2f polls",
        (after.httpPosts - before.httpPosts) / relayed,
        (after.httpPolls - before.httpPolls) / relayed);
  }

  /**
   * The cores that processes other than the nodes and the generator kept busy during the window: on
   * a shared machine, what tells a quiet run from one that waited for cores.
   */
  private String otherProcesses(double ownCpuMs, double wallSeconds) {
    if (before.machineBusySeconds < 0 || after.machineBusySeconds < 0) {
      return "";
    }
    double machine = after.machineBusySeconds - before.machineBusySeconds;
    return String.format(
        Locale.ROOT,
        "; other processes %.2f cores",
        Math.max(0, machine - ownCpuMs / 1000) / wallSeconds);
  }

  /** The run's figures, as the benchmark prints them and appends them to its report. */
  String summary(int rate, int pairs, int nodeCount, int seconds) {
    double wallSeconds = (after.atNanos - before.atNanos) / 1e9;
    double nodeCpuMs = (after.nodeCpuNanos - before.nodeCpuNanos) / 1e6;
    double generatorCpuMs = (after.generatorCpuNanos - before.generatorCpuNanos) / 1e6;
    return String.format(
        Locale.ROOT,
        "relay rate %d msg/s over %s, %d pairs over %d nodes, %d s: sent %d, received %d, lost %d,"
            + " errors %d%n"
            + "  delivery latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n"
            + "  nodes relayed %.0f msg/s; node CPU %.1f ms per 1000 messages (%.2f cores in all);"
            + " generator CPU %.2f cores%s%n"
            + "  node heap used at the end: %.0f MB in all%s",
        rate,
        transport.label(),
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
        relayed() / wallSeconds,
        cpuMsPerThousand(),
        nodeCpuMs / 1000 / wallSeconds,
        generatorCpuMs / 1000 / wallSeconds,
        otherProcesses(nodeCpuMs + generatorCpuMs, wallSeconds),
        after.heapBytes / 1e6,
        httpRequests());
  }

  /** The nodes' counters, the generator's own CPU time and the machine's at one moment. */
  record Snapshot(
      long atNanos,
      double nodeCpuNanos,
      double relayed,
      double heapBytes,
      double httpPosts,
      double httpPolls,
      long generatorCpuNanos,
      double machineBusySeconds) {
    static Snapshot take(List<URI> nodes) throws IOException, InterruptedException {
      long at = System.nanoTime();
      double cpu = 0;
      double relayed = 0;
      double heap = 0;
      double posts = 0;
      double polls = 0;
      for (URI node : nodes) {
        NodeMetrics metrics = NodeMetrics.read(NodeMetrics.metricsUrl(node));
        cpu += metrics.cpuNanos();
        relayed += metrics.relayed();
        heap += metrics.heapUsedBytes();
        posts += metrics.httpPosts();
        polls += metrics.httpPolls();
      }
      long generatorCpu =
          ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      return new Snapshot(
          at, cpu, relayed, heap, posts, polls, generatorCpu, MachineCpu.busySeconds());
    }
  }
}
