package dev.signaling.node.presence;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.signaling.node.base.CompletionStages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@link Presence#countOn} and {@link Presence#reassert} on the Hazelcast map. The node's entries
 * are found through the index on {@code node}; only the names that differ from the node's sessions
 * are touched, each by an entry processor that decides again under the key's lock, so a login
 * elsewhere in the meantime always wins.
 */
final class HazelcastPresenceReassertion {
  private final Vertx vertx;
  private final IMap<String, PresenceRecord> map;

  HazelcastPresenceReassertion(Vertx vertx, IMap<String, PresenceRecord> map) {
    this.vertx = vertx;
    this.map = map;
  }

  Future<Integer> countOn(String node) {
    // Counted where the entries are stored: nothing but a number crosses the network.
    return vertx.executeBlocking(
        () ->
            map.aggregate(
                    Aggregators.count(),
                    Predicates.and(
                        Predicates.equal("node", node), Predicates.equal("awayUntil", 0L)))
                .intValue(),
        false);
  }

  Future<PresenceReassertion> reassert(
      String node, Map<String, PresenceRecord> sessions, Predicate<String> stillHere) {
    return vertx
        .executeBlocking(() -> entriesOn(node), false)
        .compose(
            onNode -> {
              Map<String, PresenceRecord> missing = new HashMap<>();
              sessions.forEach(
                  (name, record) -> {
                    PresenceRecord held = onNode.get(name);
                    if (held == null || !held.session().equals(record.session())) {
                      missing.put(name, record);
                    }
                  });
              // Asked only now that the entries are read: a session whose claim was in flight is
              // registered here before its entry is written.
              Map<String, String> stale = new HashMap<>();
              onNode.forEach(
                  (name, held) -> {
                    PresenceRecord ours = sessions.get(name);
                    // An away session is not here by design: its window decides.
                    if (!held.isAway()
                        && (ours == null || !held.session().equals(ours.session()))
                        && !stillHere.test(held.session())) {
                      stale.put(name, held.session());
                    }
                  });
              // Stale entries go first, so that a name held by a session this node no longer has
              // goes back to the session of that name it still has.
              return removeStale(stale)
                  .compose(
                      removed ->
                          restoreMissing(node, missing).map(found -> outcome(found, removed)));
            });
  }

  private Map<String, PresenceRecord> entriesOn(String node) {
    Map<String, PresenceRecord> entries = new HashMap<>();
    map.entrySet(Predicates.equal("node", node))
        .forEach(entry -> entries.put(entry.getKey(), entry.getValue()));
    return entries;
  }

  private Future<Set<String>> removeStale(Map<String, String> stale) {
    if (stale.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return CompletionStages.onCallerContext(
            vertx, map.submitToKeys(stale.keySet(), new RemoveIfSessions(stale)))
        .map(
            results -> {
              Set<String> removed = new HashSet<>();
              results.forEach(
                  (name, done) -> {
                    if (Boolean.TRUE.equals(done)) {
                      removed.add(name);
                    }
                  });
              return removed;
            });
  }

  private Future<Map<String, Found>> restoreMissing(
      String node, Map<String, PresenceRecord> missing) {
    if (missing.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return CompletionStages.onCallerContext(
        vertx, map.submitToKeys(missing.keySet(), new RestoreIfAbsent(missing)));
  }

  private static PresenceReassertion outcome(Map<String, Found> found, Set<String> removed) {
    Set<String> restored = new HashSet<>();
    Set<String> superseded = new HashSet<>();
    found.forEach(
        (name, what) -> {
          if (what == Found.NOTHING) {
            restored.add(name);
          } else if (what == Found.ANOTHER_SESSION) {
            superseded.add(name);
          }
        });
    return new PresenceReassertion(restored, superseded, removed);
  }

  /** What a name held when the node came to restore its entry. */
  enum Found {
    /** No entry: the node's session has it again. */
    NOTHING,
    /** The node's own session: nothing to do (its claim landed after the node read its entries). */
    THIS_SESSION,
    /** Another session, a newer login: left alone. */
    ANOTHER_SESSION
  }

  /** Gives each name without an entry to the node's session of that name. */
  static final class RestoreIfAbsent implements EntryProcessor<String, PresenceRecord, Found> {
    private final HashMap<String, PresenceRecord> records;

    RestoreIfAbsent(Map<String, PresenceRecord> records) {
      this.records = new HashMap<>(records);
    }

    @Override
    public Found process(Map.Entry<String, PresenceRecord> entry) {
      PresenceRecord ours = records.get(entry.getKey());
      PresenceRecord held = entry.getValue();
      if (held == null) {
        entry.setValue(ours);
        return Found.NOTHING;
      }
      return held.session().equals(ours.session()) ? Found.THIS_SESSION : Found.ANOTHER_SESSION;
    }
  }

  /** Removes each name's entry if it still holds the given session. */
  static final class RemoveIfSessions implements EntryProcessor<String, PresenceRecord, Boolean> {
    private final HashMap<String, String> sessions;

    RemoveIfSessions(Map<String, String> sessions) {
      this.sessions = new HashMap<>(sessions);
    }

    @Override
    public Boolean process(Map.Entry<String, PresenceRecord> entry) {
      PresenceRecord held = entry.getValue();
      if (held != null && held.session().equals(sessions.get(entry.getKey()))) {
        entry.setValue(null);
        return true;
      }
      return false;
    }
  }
}
