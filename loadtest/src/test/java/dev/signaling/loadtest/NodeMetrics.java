package dev.signaling.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The figures a benchmark reads from one node's Prometheus text at {@code /metrics}. {@code
 * httpPosts} and {@code httpPolls} count the HTTP transport's requests that reached this node,
 * whichever node holds their session, so that the sum over the nodes counts each request once.
 */
record NodeMetrics(
    double cpuNanos, double relayed, double heapUsedBytes, double httpPosts, double httpPolls) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The metrics URL of the node whose WebSocket URL is {@code ws} (same host and port). */
  static URI metricsUrl(URI ws) {
    String scheme = "wss".equals(ws.getScheme()) ? "https" : "http";
    return URI.create(scheme + "://" + ws.getHost() + ":" + ws.getPort() + "/metrics");
  }

  static NodeMetrics read(URI metrics) throws IOException, InterruptedException {
    // Generous: on a shared machine a loaded node may answer late, and without a reading the
    // whole run is lost.
    HttpRequest request = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build();
    String text = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    double cpu = 0;
    double relayed = 0;
    double heap = 0;
    double posts = 0;
    double polls = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("process_cpu_time_ns_total ")) {
        cpu = value(line);
      } else if (line.startsWith("signaling_messages_total{")
          && line.contains("outcome=\"delivered-")) {
        relayed += value(line);
      } else if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
        heap += value(line);
      } else if (line.startsWith("signaling_http_requests_total{request=\"send\"")) {
        posts += value(line);
      } else if (line.startsWith("signaling_http_requests_total{request=\"poll\"")) {
        polls += value(line);
      }
    }
    return new NodeMetrics(cpu, relayed, heap, posts, polls);
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
