package dev.signaling.node.peerjs;

import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PeerJS share of the node's traffic, in meters of its own ({@code signaling_peerjs_*}); the
 * node's meters ({@code signaling_connections}, {@code signaling_messages_total}, ...) count both
 * protocols. Every counter is resolved here, once.
 */
final class PeerJsMetrics {

  /** How a PeerJS connection's start ended. */
  enum Connect {
    OPEN,
    ID_TAKEN,
    INVALID_KEY,
    INVALID_REQUEST,
    CONCURRENT_LIMIT,
    REFUSED;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What became of a message relayed for a PeerJS client. */
  enum Outcome {
    DELIVERED,
    EXPIRED,
    DROPPED,
    DELIVERY_FAILED;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final AtomicInteger open = new AtomicInteger();
  private final Map<Connect, Counter> connects = new HashMap<>();
  private final Map<String, Counter> messages = new HashMap<>();
  private final Counter held;
  private final Counter aliveTimeouts;
  private final Counter ignored;

  PeerJsMetrics(MeterRegistry registry) {
    Gauge.builder(Metrics.PREFIX + "peerjs_connections", open, AtomicInteger::get)
        .description("Open PeerJS WebSocket connections on this node")
        .register(registry);
    for (Connect outcome : Connect.values()) {
      connects.put(
          outcome,
          Counter.builder(Metrics.PREFIX + "peerjs_connects")
              .description("PeerJS connections, by how their start ended")
              .tag("outcome", outcome.tag())
              .register(registry));
    }
    for (String type : PeerJsFrames.RELAYED) {
      for (Outcome outcome : Outcome.values()) {
        messages.put(
            key(type, outcome),
            Counter.builder(Metrics.PREFIX + "peerjs_messages")
                .description("Messages relayed for PeerJS clients, by type and outcome")
                .tag("type", type.toLowerCase(Locale.ROOT))
                .tag("outcome", outcome.tag())
                .register(registry));
      }
    }
    held =
        Counter.builder(Metrics.PREFIX + "peerjs_held")
            .description(
                "PeerJS messages that found their target not connected and were held for it")
            .register(registry);
    aliveTimeouts =
        Counter.builder(Metrics.PREFIX + "peerjs_alive_timeouts")
            .description("PeerJS connections dropped for saying nothing within the alive timeout")
            .register(registry);
    ignored =
        Counter.builder(Metrics.PREFIX + "peerjs_frames_ignored")
            .description("PeerJS client frames ignored: not JSON, of an unknown type, no valid dst")
            .register(registry);
  }

  private static String key(String type, Outcome outcome) {
    return type + "/" + outcome.name();
  }

  int open() {
    return open.get();
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void connect(Connect outcome) {
    connects.get(outcome).increment();
  }

  void message(String type, Outcome outcome) {
    messages.get(key(type, outcome)).increment();
  }

  void held() {
    held.increment();
  }

  void aliveTimeout() {
    aliveTimeouts.increment();
  }

  void ignored() {
    ignored.increment();
  }
}
