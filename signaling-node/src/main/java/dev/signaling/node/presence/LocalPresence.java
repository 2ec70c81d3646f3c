package dev.signaling.node.presence;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Presence for a single node without a cluster: a concurrent map, every operation immediate, each
 * change made by {@link PresenceRules} under the name's lock.
 */
public final class LocalPresence implements Presence {
  private final Map<String, PresenceRecord> records = new ConcurrentHashMap<>();
  private final ResumeLimits limits;

  public LocalPresence(ResumeLimits limits) {
    this.limits = limits;
  }

  @Override
  public Future<PresenceRecord> claim(String name, PresenceEntry entry, String resumeKey) {
    return change(name, current -> PresenceRules.claim(current, entry, resumeKey));
  }

  @Override
  public Future<PresenceEntry> claimOwned(String name, PresenceEntry entry, String ownerKey) {
    return change(name, current -> PresenceRules.claimOwned(current, entry, ownerKey));
  }

  @Override
  public Future<List<String>> namesStartingWith(String prefix, int limit) {
    return Future.succeededFuture(
        records.keySet().stream().filter(name -> name.startsWith(prefix)).limit(limit).toList());
  }

  @Override
  public Future<PresenceEntry> lookup(String name) {
    PresenceRecord record = records.get(name);
    return Future.succeededFuture(record == null ? null : record.entry());
  }

  @Override
  public Future<PresenceRecord> release(String name, String session) {
    return change(name, current -> PresenceRules.release(current, session));
  }

  @Override
  public Future<Boolean> goAway(String name, String session, long awayUntil) {
    return change(name, current -> PresenceRules.goAway(current, session, awayUntil));
  }

  @Override
  public Future<PresenceRules.Hold> hold(String name, String session, HeldMessage message) {
    long now = System.currentTimeMillis();
    return change(
        name,
        current ->
            PresenceRules.hold(
                current, session, message, limits.maxMessages(), limits.maxBytes(), now));
  }

  @Override
  public Future<PresenceRecord> resume(
      String name, String resumeKey, PresenceEntry entry, String freshKey) {
    long now = System.currentTimeMillis();
    return change(name, current -> PresenceRules.resume(current, resumeKey, entry, freshKey, now));
  }

  @Override
  public Future<Boolean> room(String name, String session, String room, boolean in) {
    return change(name, current -> PresenceRules.room(current, session, room, in));
  }

  @Override
  public Future<Map<String, PresenceRecord>> expireDue() {
    long now = System.currentTimeMillis();
    Map<String, PresenceRecord> expired = new HashMap<>();
    for (String name : Set.copyOf(records.keySet())) {
      PresenceRecord record = change(name, current -> PresenceRules.expire(current, now)).result();
      if (record != null) {
        expired.put(name, record);
      }
    }
    return Future.succeededFuture(expired);
  }

  @Override
  public Future<Set<String>> nodeLeft(String node, long awayUntil) {
    return Future.succeededFuture(
        changedWhere(
            record -> record.node().equals(node),
            current -> PresenceRules.nodeLeft(current, current.node(), awayUntil)));
  }

  @Override
  public Future<Set<String>> nodesLeft(Set<String> liveNodes, long awayUntil) {
    return Future.succeededFuture(
        changedWhere(
            record -> !liveNodes.contains(record.node()),
            current -> PresenceRules.nodeLeft(current, current.node(), awayUntil)));
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return Future.succeededFuture(removeIf(record -> record.node().equals(node)));
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return Future.succeededFuture(removeIf(record -> !liveNodes.contains(record.node())));
  }

  @Override
  public Future<Integer> size() {
    return Future.succeededFuture(records.size());
  }

  @Override
  public Future<Integer> countOn(String node) {
    return Future.succeededFuture(
        (int)
            records.values().stream()
                .filter(record -> record.node().equals(node) && !record.isAway())
                .count());
  }

  @Override
  public Future<PresenceReassertion> reassert(
      String node, Map<String, PresenceRecord> sessions, Predicate<String> stillHere) {
    // Stale entries first, as in the cluster: a name they held goes back to the node's session of
    // that name.
    Set<String> asserted = new HashSet<>();
    sessions.values().forEach(record -> asserted.add(record.session()));
    Set<String> removed =
        removeIf(
            record ->
                record.node().equals(node)
                    && !record.isAway()
                    && !asserted.contains(record.session())
                    && !stillHere.test(record.session()));
    Set<String> restored = new HashSet<>();
    Set<String> superseded = new HashSet<>();
    sessions.forEach(
        (name, record) -> {
          PresenceRecord held = records.putIfAbsent(name, record);
          if (held == null) {
            restored.add(name);
          } else if (!held.session().equals(record.session())) {
            superseded.add(name);
          }
        });
    return Future.succeededFuture(new PresenceReassertion(restored, superseded, removed));
  }

  private <T> Future<T> change(
      String name, Function<PresenceRecord, PresenceRules.Result<T>> rule) {
    Object[] outcome = new Object[1];
    records.compute(
        name,
        (key, current) -> {
          PresenceRules.Result<T> result = rule.apply(current);
          outcome[0] = result.outcome();
          return result.next();
        });
    @SuppressWarnings("unchecked")
    T typed = (T) outcome[0];
    return Future.succeededFuture(typed);
  }

  private Set<String> changedWhere(
      Predicate<PresenceRecord> which,
      Function<PresenceRecord, PresenceRules.Result<Boolean>> rule) {
    Set<String> changed = new HashSet<>();
    for (Map.Entry<String, PresenceRecord> entry : records.entrySet()) {
      if (which.test(entry.getValue())
          && Boolean.TRUE.equals(change(entry.getKey(), rule).result())) {
        changed.add(entry.getKey());
      }
    }
    return changed;
  }

  private Set<String> removeIf(Predicate<PresenceRecord> doomed) {
    Set<String> removed = new HashSet<>();
    for (Map.Entry<String, PresenceRecord> entry : records.entrySet()) {
      if (doomed.test(entry.getValue()) && records.remove(entry.getKey(), entry.getValue())) {
        removed.add(entry.getKey());
      }
    }
    return removed;
  }
}
