package dev.signaling.node.presence;

import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** Presence for a single node without a cluster: a concurrent map, every operation immediate. */
public final class LocalPresence implements Presence {
  private final Map<String, PresenceEntry> entries = new ConcurrentHashMap<>();

  @Override
  public Future<PresenceEntry> claim(String name, PresenceEntry entry) {
    return Future.succeededFuture(entries.put(name, entry));
  }

  @Override
  public Future<PresenceEntry> claimOwned(String name, PresenceEntry entry, String ownerKey) {
    PresenceEntry[] held = new PresenceEntry[1];
    entries.compute(
        name,
        (key, current) -> {
          held[0] = current;
          return current == null || SessionOwners.ownedBy(current.session(), ownerKey)
              ? entry
              : current;
        });
    return Future.succeededFuture(held[0]);
  }

  @Override
  public Future<List<String>> namesStartingWith(String prefix, int limit) {
    return Future.succeededFuture(
        entries.keySet().stream().filter(name -> name.startsWith(prefix)).limit(limit).toList());
  }

  @Override
  public Future<PresenceEntry> lookup(String name) {
    return Future.succeededFuture(entries.get(name));
  }

  @Override
  public Future<Boolean> release(String name, String session) {
    boolean[] removed = {false};
    entries.computeIfPresent(
        name,
        (key, entry) -> {
          if (entry.session().equals(session)) {
            removed[0] = true;
            return null;
          }
          return entry;
        });
    return Future.succeededFuture(removed[0]);
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return Future.succeededFuture(removeIf(entry -> entry.node().equals(node)));
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return Future.succeededFuture(removeIf(entry -> !liveNodes.contains(entry.node())));
  }

  @Override
  public Future<Integer> size() {
    return Future.succeededFuture(entries.size());
  }

  @Override
  public Future<Integer> countOn(String node) {
    return Future.succeededFuture(
        (int) entries.values().stream().filter(entry -> entry.node().equals(node)).count());
  }

  @Override
  public Future<PresenceReassertion> reassert(
      String node, Map<String, String> sessions, Predicate<String> stillHere) {
    // Stale entries first, as in the cluster: a name they held goes back to the node's session of
    // that name.
    Set<String> asserted = Set.copyOf(sessions.values());
    Set<String> removed =
        removeIf(
            entry ->
                entry.node().equals(node)
                    && !asserted.contains(entry.session())
                    && !stillHere.test(entry.session()));
    Set<String> restored = new HashSet<>();
    Set<String> superseded = new HashSet<>();
    sessions.forEach(
        (name, session) -> {
          PresenceEntry held = entries.putIfAbsent(name, new PresenceEntry(node, session));
          if (held == null) {
            restored.add(name);
          } else if (!held.session().equals(session)) {
            superseded.add(name);
          }
        });
    return Future.succeededFuture(new PresenceReassertion(restored, superseded, removed));
  }

  private Set<String> removeIf(Predicate<PresenceEntry> doomed) {
    Set<String> removed = new HashSet<>();
    for (Map.Entry<String, PresenceEntry> entry : entries.entrySet()) {
      if (doomed.test(entry.getValue()) && entries.remove(entry.getKey(), entry.getValue())) {
        removed.add(entry.getKey());
      }
    }
    return removed;
  }
}
