package dev.signaling.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The call-storm benchmark: {@link CallStorm} against the signaling nodes, then the same storm
 * against the bare relay, and the nodes' CPU per message, message latency and call-setup time as
 * multiples of the bare relay's. Each storm runs {@code storms} times with new users; all but the
 * last warm the JVMs up and are not counted.
 *
 * <p>Parameters (system properties): {@code baseUrls} (two or more nodes, required), {@code
 * referenceUrls} (as many nodes of the bare relay; optional), {@code pairs} (400), {@code rounds}
 * (5), {@code candidates} (20 per call, half from each side), {@code storms} (3), {@code report} (a
 * file the summary is appended to). Exits 0 when every message arrived and no error came back.
 */
public final class CallStormBenchmark {
  private CallStormBenchmark() {}

  public static void main(String[] args) {
    try {
      System.exit(benchmark());
    } catch (Exception failed) {
      failed.printStackTrace();
      System.exit(2);
    }
  }

  private static int benchmark() throws Exception {
    List<URI> nodes = Params.baseUrls().stream().map(URI::create).toList();
    int pairs = Params.positive("pairs", 400);
    int rounds = Params.positive("rounds", 5);
    int candidates = Params.positive("candidates", 20);
    int storms = Params.positive("storms", 3);
    String report = Params.string("report", "");
    Outcome node = run("signaling node", nodes, pairs, rounds, candidates, storms);
    appendTo(report, node.summary());
    String referenceUrls = Params.string("referenceUrls", "");
    boolean clean = node.clean(pairs, rounds, candidates);
    if (!referenceUrls.isEmpty()) {
      List<URI> reference =
          Arrays.stream(referenceUrls.split(",")).map(String::trim).map(URI::create).toList();
      Outcome bare = run("bare relay", reference, pairs, rounds, candidates, storms);
      appendTo(report, bare.summary());
      appendTo(report, node.against(bare));
      clean &= bare.clean(pairs, rounds, candidates);
    }
    return clean ? 0 : 1;
  }

  private static Outcome run(
      String relay, List<URI> nodes, int pairs, int rounds, int candidates, int storms)
      throws Exception {
    Outcome last = null;
    String runId = Params.runId();
    for (int storm = 1; storm <= storms; storm++) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
      CallStorm calls = new CallStorm(nodes, runId + storm, pairs, rounds, candidates);
      vertx.deployVerticle(calls).await(2, TimeUnit.MINUTES);
      RelayResult.Snapshot before = RelayResult.Snapshot.take(nodes);
      calls.storm().await(5, TimeUnit.MINUTES);
      RelayResult.Snapshot after = RelayResult.Snapshot.take(nodes);
      CallStorm.Result result = calls.result().await(10, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
      last = new Outcome(relay, pairs, rounds, result, before, after);
      if (storm < storms) {
        System.out.println("warm-up: " + last.summary());
      }
    }
    return last;
  }

  private static void appendTo(String report, String text) throws IOException {
    System.out.println(text);
    if (!report.isEmpty()) {
      Files.writeString(
          Path.of(report), text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /** One measured storm. */
  private record Outcome(
      String relay,
      int pairs,
      int rounds,
      CallStorm.Result result,
      RelayResult.Snapshot before,
      RelayResult.Snapshot after) {

    boolean clean(int pairs, int rounds, int candidates) {
      // Every round: an offer, an answer, the candidates and a hang-up, all received.
      return result.errors() == 0 && result.messages() == (long) pairs * rounds * (candidates + 3);
    }

    double cpuMsPerThousand() {
      double relayed = after.relayed() - before.relayed();
      return relayed == 0
          ? 0
          : (after.nodeCpuNanos() - before.nodeCpuNanos()) / 1e6 / relayed * 1000;
    }

    double seconds() {
      return (after.atNanos() - before.atNanos()) / 1e9;
    }

    String summary() {
      Histogram messages = result.messageMicros();
      Histogram setups = result.setupMicros();
      return String.format(
          Locale.ROOT,
          "call storm against the %s: %d pairs x %d rounds in %.1f s; %d messages received, %d"
              + " errors%s%n  message latency ms: p50 %.2f  p99 %.2f  max %.2f; call setup ms: p50"
              + " %.1f  p99 %.1f; node CPU %.1f ms per 1000 messages",
          relay,
          pairs,
          rounds,
          seconds(),
          result.messages(),
          result.errors(),
          result.firstError() == null ? "" : " (first: " + result.firstError() + ")",
          messages.getValueAtPercentile(50) / 1000.0,
          messages.getValueAtPercentile(99) / 1000.0,
          messages.getMaxValue() / 1000.0,
          setups.getValueAtPercentile(50) / 1000.0,
          setups.getValueAtPercentile(99) / 1000.0,
          cpuMsPerThousand());
    }

    String against(Outcome bare) {
      return String.format(
          Locale.ROOT,
          "call storm, signaling node against the bare relay: node CPU per message x%.2f; message"
              + " latency p50 x%.2f, p99 x%.2f; call setup p50 x%.2f",
          cpuMsPerThousand() / bare.cpuMsPerThousand(),
          ratio(result.messageMicros(), bare.result.messageMicros(), 50),
          ratio(result.messageMicros(), bare.result.messageMicros(), 99),
          ratio(result.setupMicros(), bare.result.setupMicros(), 50));
    }

    private static double ratio(Histogram value, Histogram base, double percentile) {
      return (double) value.getValueAtPercentile(percentile)
          / base.getValueAtPercentile(percentile);
    }
  }
}
