package dev.signaling.node.presence;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The changes of many presence records at once: a departed node's sessions, away sessions whose
 * window has ended. Each record is found through an index and changed by an entry processor that
 * decides again under its key's lock, so a login or resume just before it wins. Blocking calls, on
 * a worker thread.
 */
final class HazelcastPresenceSweeps {
  private final Vertx vertx;
  private final IMap<String, PresenceRecord> map;

  HazelcastPresenceSweeps(Vertx vertx, IMap<String, PresenceRecord> map) {
    this.vertx = vertx;
    this.map = map;
  }

  Future<Map<String, PresenceRecord>> expireDue() {
    long now = System.currentTimeMillis();
    return vertx.executeBlocking(
        () -> {
          Map<String, PresenceRecord> expired = new HashMap<>();
          map.executeOnEntries(
                  new PresenceProcessors.Expire(now), Predicates.between("awayUntil", 1L, now))
              .forEach(
                  (name, record) -> {
                    if (record != null) {
                      expired.put(name, record);
                    }
                  });
          return expired;
        },
        false);
  }

  Future<Set<String>> nodeLeft(String node, long awayUntil) {
    return changed(
        Predicates.equal("node", node), new PresenceProcessors.NodeLeft(node, awayUntil));
  }

  Future<Set<String>> nodesLeft(Set<String> liveNodes, long awayUntil) {
    return changed(notOn(liveNodes), new PresenceProcessors.NodeLeft(null, awayUntil));
  }

  Future<Set<String>> removeNode(String node) {
    return changed(Predicates.equal("node", node), new PresenceProcessors.Remove());
  }

  Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return changed(notOn(liveNodes), new PresenceProcessors.Remove());
  }

  private static Predicate<String, PresenceRecord> notOn(Set<String> liveNodes) {
    return Predicates.not(Predicates.in("node", liveNodes.toArray(String[]::new)));
  }

  /** The names of the records matching {@code which} that {@code change} changed. */
  private Future<Set<String>> changed(
      Predicate<String, PresenceRecord> which,
      EntryProcessor<String, PresenceRecord, Boolean> change) {
    return vertx.executeBlocking(
        () -> {
          Set<String> names = new HashSet<>();
          map.executeOnEntries(change, which)
              .forEach(
                  (name, done) -> {
                    if (Boolean.TRUE.equals(done)) {
                      names.add(name);
                    }
                  });
          return names;
        },
        false);
  }
}
