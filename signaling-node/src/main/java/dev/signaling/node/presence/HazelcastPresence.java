package dev.signaling.node.presence;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;

/**
 * Presence in a Hazelcast map shared by the cluster. Single-key operations use Hazelcast's async API;
 * the rare whole-map sweeps run on a worker thread.
 */
public final class HazelcastPresence implements Presence {
  /** The map's name; its configuration (backups, index on {@code node}) is set where the cluster is built. */
  public static final String MAP_NAME = "signaling.presence";

  private final Vertx vertx;
  private final IMap<String, PresenceEntry> map;

  public HazelcastPresence(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP_NAME);
  }

  @Override
  public Future<PresenceEntry> claim(String name, PresenceEntry entry) {
    return Future.fromCompletionStage(map.putAsync(name, entry), vertx.getOrCreateContext());
  }

  @Override
  public Future<PresenceEntry> lookup(String name) {
    return Future.fromCompletionStage(map.getAsync(name), vertx.getOrCreateContext());
  }

  @Override
  public Future<Boolean> release(String name, String session) {
    return Future.fromCompletionStage(map.submitToKey(name, new ReleaseIfSession(session)),
        vertx.getOrCreateContext());
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return removeMatching(Predicates.equal("node", node));
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return removeMatching(Predicates.not(Predicates.in("node", liveNodes.toArray(String[]::new))));
  }

  @Override
  public Future<Integer> size() {
    return vertx.executeBlocking(map::size, false);
  }

  private Future<Set<String>> removeMatching(Predicate<String, PresenceEntry> doomed) {
    // The predicate is evaluated again under each entry's lock, so a user who logged in elsewhere
    // meanwhile keeps the new entry.
    return vertx.executeBlocking(() -> {
      Map<String, Boolean> removed = map.executeOnEntries(new RemoveEntry(), doomed);
      return Set.copyOf(removed.keySet());
    }, false);
  }

  /** Removes the entry if it still holds the given session. */
  static final class ReleaseIfSession implements EntryProcessor<String, PresenceEntry, Boolean> {
    private final String session;

    ReleaseIfSession(String session) {
      this.session = session;
    }

    @Override
    public Boolean process(Map.Entry<String, PresenceEntry> entry) {
      PresenceEntry current = entry.getValue();
      if (current != null && current.session().equals(session)) {
        entry.setValue(null);
        return true;
      }
      return false;
    }
  }

  /** Removes the entry it is applied to. */
  static final class RemoveEntry implements EntryProcessor<String, PresenceEntry, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, PresenceEntry> entry) {
      entry.setValue(null);
      return true;
    }
  }
}
