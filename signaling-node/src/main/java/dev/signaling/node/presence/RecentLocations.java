package dev.signaling.node.presence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The presence entries this node looked up lately, so that a relay to a user it already knows needs no
 * round trip to the presence map. Entries are dropped when the map reports a change of their user, so they
 * are out of date only while that report travels; {@link Presence#locate} explains how callers check them.
 *
 * <p>Bounded: past {@code capacity} names it starts again empty, which costs one lookup per active user
 * rather than the bookkeeping of an LRU order on every relay.
 */
final class RecentLocations {
  private final Map<String, PresenceEntry> entries = new ConcurrentHashMap<>();
  private final int capacity;

  RecentLocations(int capacity) {
    this.capacity = capacity;
  }

  PresenceEntry get(String name) {
    return entries.get(name);
  }

  void remember(String name, PresenceEntry entry) {
    if (entries.size() >= capacity) {
      entries.clear();
    }
    entries.put(name, entry);
  }

  void forget(String name) {
    entries.remove(name);
  }

  void clear() {
    entries.clear();
  }
}
