package dev.signaling.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The figures a benchmark reads from one node's Prometheus text at {@code /metrics}. */
record NodeMetrics(double cpuNanos, double relayed, double heapUsedBytes) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The metrics URL of the node whose WebSocket URL is {@code ws} (same host and port). */
  static URI metricsUrl(URI ws) {
    String scheme = "wss".equals(ws.getScheme()) ? "https" : "http";
    return URI.create(scheme + "://" + ws.getHost() + ":" + ws.getPort() + "/metrics");
  }

  static NodeMetrics read(URI metrics) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build();
    String text = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    double cpu = 0;
    double relayed = 0;
    double heap = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("process_cpu_time_ns_total ")) {
        cpu = value(line);
      } else if (line.startsWith("signaling_messages_total{")
          && line.contains("outcome=\"delivered-")) {
        relayed += value(line);
      } else if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
        heap += value(line);
      }
    }
    return new NodeMetrics(cpu, relayed, heap);
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
