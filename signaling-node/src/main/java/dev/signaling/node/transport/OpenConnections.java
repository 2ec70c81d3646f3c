package dev.signaling.node.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every open WebSocket connection of this node, logged in or not: what a drain sends away. */
public final class OpenConnections {
  private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  void opened(WebSocketConnection connection, String address) {
    open.add(connection);
    perAddress.computeIfAbsent(address, key -> new AtomicInteger()).incrementAndGet();
  }

  void closed(WebSocketConnection connection, String address) {
    if (open.remove(connection)) {
      perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
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

  boolean isOpen(WebSocketConnection connection) {
    return open.contains(connection);
  }

  /** The connections open now. */
  List<WebSocketConnection> snapshot() {
    return List.copyOf(open);
  }
}
