package dev.signaling.node.transport;

import dev.signaling.node.metrics.Metrics;
import dev.signaling.node.session.ClientSession;
import dev.signaling.node.session.SessionMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every open client connection of this node, logged in or not, WebSocket or HTTP session: what a
 * drain sends away.
 */
public final class OpenConnections {
  private final Set<ClientSession> open = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perTransport = new ConcurrentHashMap<>();

  public OpenConnections(MeterRegistry registry) {
    for (String transport : SessionMetrics.TRANSPORTS) {
      AtomicInteger count = new AtomicInteger();
      perTransport.put(transport, count);
      Gauge.builder(Metrics.PREFIX + "connections", count, AtomicInteger::get)
          .description(
              "Open client connections on this node, logged in or not: WebSockets, HTTP sessions")
          .tag("transport", transport)
          .register(registry);
    }
  }

  /**
   * A connection of any protocol opened: it counts against its address and is drained.
   *
   * @param transport what carries it: {@code websocket} or {@code http}
   */
  public void opened(ClientSession connection, String address, String transport) {
    if (open.add(connection)) {
      perAddress.computeIfAbsent(address, key -> new AtomicInteger()).incrementAndGet();
      perTransport.get(transport).incrementAndGet();
    }
  }

  public void closed(ClientSession connection, String address, String transport) {
    if (open.remove(connection)) {
      perAddress.computeIfPresent(
          address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
      perTransport.get(transport).decrementAndGet();
    }
  }

  /** Open connections from one client address. */
  public int from(String address) {
    AtomicInteger count = perAddress.get(address);
    return count == null ? 0 : count.get();
  }

  public int size() {
    return open.size();
  }

  boolean isOpen(ClientSession connection) {
    return open.contains(connection);
  }

  /** The connections open now. */
  List<ClientSession> snapshot() {
    return List.copyOf(open);
  }
}
