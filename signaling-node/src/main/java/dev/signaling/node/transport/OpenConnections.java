package dev.signaling.node.transport;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every open WebSocket connection of this node, logged in or not: what a drain sends away. */
public final class OpenConnections {
  private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();

  void opened(WebSocketConnection connection) {
    open.add(connection);
  }

  void closed(WebSocketConnection connection) {
    open.remove(connection);
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
