package dev.signaling.node.transport;

import dev.signaling.node.metrics.Metrics;
import dev.signaling.node.session.ClientSession;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Every open client connection of this node, logged in or not: what a drain sends away. */
public final class OpenConnections {
  private final Set<ClientSession> open = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  public OpenConnections(MeterRegistry registry) {
    Gauge.builder(Metrics.PREFIX + "connections", this, OpenConnections::size)
        .description("Open WebSocket connections on this node, logged in or not")
        .register(registry);
  }

  /** A connection of any protocol opened: it counts against its address and is drained. */
  public void opened(ClientSession connection, String address) {
    open.add(connection);
    perAddress.computeIfAbsent(address, key -> new AtomicInteger()).incrementAndGet();
  }

  public void closed(ClientSession connection, String address) {
    if (open.remove(connection)) {
      perAddress.computeIfPresent(
          address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  /** Open connections from one client address. */
  int from(String address) {
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
