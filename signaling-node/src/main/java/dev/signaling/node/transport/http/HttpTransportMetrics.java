package dev.signaling.node.transport.http;

import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/** Requests of the HTTP transport, by kind and by whether this node holds their session. */
final class HttpTransportMetrics {
  private static final String[] REQUESTS = {"create", "send", "poll", "stream", "end"};

  private final Map<String, Counter> local = new HashMap<>();
  private final Map<String, Counter> forwarded = new HashMap<>();

  HttpTransportMetrics(MeterRegistry registry) {
    for (String request : REQUESTS) {
      local.put(request, counter(registry, request, "local"));
      forwarded.put(request, counter(registry, request, "forwarded"));
    }
  }

  private static Counter counter(MeterRegistry registry, String request, String session) {
    return Counter.builder(Metrics.PREFIX + "http_requests")
        .description(
            "Requests of the HTTP transport: by kind, and whether the session was on this node"
                + " (local) or the request went on to the node that holds it (forwarded)")
        .tag("request", request)
        .tag("session", session)
        .register(registry);
  }

  /**
   * @param here whether this node holds the session
   */
  void request(String request, boolean here) {
    (here ? local : forwarded).get(request).increment();
  }
}
