package dev.signaling.node.presence;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import com.hazelcast.query.QueryConstants;
import dev.signaling.node.base.CompletionStages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Presence in a Hazelcast map shared by the cluster. Single-key operations use Hazelcast's async
 * API; the rare whole-map sweeps run on a worker thread. {@link #locate} answers from the entries
 * this node looked up lately, which a listener on the map drops as soon as their user logs in, out
 * or elsewhere.
 */
public final class HazelcastPresence implements Presence {
  /**
   * The map's name; its configuration (backups, index on {@code node}) is set where the cluster is
   * built.
   */
  public static final String MAP_NAME = "signaling.presence";

  /** Names whose location a node keeps at most; about 200 bytes each. */
  private static final int RECENT_LOCATIONS = 100_000;

  private final Vertx vertx;
  private final IMap<String, PresenceEntry> map;
  private final RecentLocations recent = new RecentLocations(RECENT_LOCATIONS);
  private final Duration lookupTimeout;

  /**
   * @param lookupTimeout how long a lookup may take: a member that holds the entry but does not
   *     answer (frozen, cut off) would otherwise hold every relay behind it for Hazelcast's own,
   *     much longer, timeout
   */
  public HazelcastPresence(Vertx vertx, HazelcastInstance hazelcast, Duration lookupTimeout) {
    this.vertx = vertx;
    this.lookupTimeout = lookupTimeout;
    this.map = hazelcast.getMap(MAP_NAME);
    // Without values: the key is all it takes to drop an entry, and events stay small.
    map.addEntryListener(new ForgetOnChange(recent), false);
    // A member that joins (a partition healing, too) or leaves may take changes with it that no
    // event reported: start again from the map.
    hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                recent.clear();
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                recent.clear();
              }
            });
  }

  @Override
  public Future<PresenceEntry> claim(String name, PresenceEntry entry) {
    return CompletionStages.onCallerContext(vertx, map.putAsync(name, entry));
  }

  @Override
  public Future<PresenceEntry> claimOwned(String name, PresenceEntry entry, String ownerKey) {
    return CompletionStages.onCallerContext(
        vertx, map.submitToKey(name, new ClaimIfOwned(entry.node(), entry.session(), ownerKey)));
  }

  @Override
  public Future<List<String>> namesStartingWith(String prefix, int limit) {
    // The key predicate runs on every member, each on its own partitions; the scan is off the event
    // loop.
    return vertx.executeBlocking(
        () ->
            map
                .keySet(
                    Predicates.like(
                        QueryConstants.KEY_ATTRIBUTE_NAME.value(), escapeLike(prefix) + "%"))
                .stream()
                .limit(limit)
                .toList(),
        false);
  }

  /** {@code prefix} matched literally by a LIKE pattern. */
  private static String escapeLike(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /**
   * Fails with a {@link java.util.concurrent.TimeoutException} when the map has not answered in
   * time.
   */
  @Override
  public Future<PresenceEntry> lookup(String name) {
    return CompletionStages.onCallerContext(vertx, map.getAsync(name))
        .timeout(lookupTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<PresenceEntry> locate(String name) {
    return recent.locate(name, this::lookup);
  }

  @Override
  public Future<PresenceEntry> locateAgain(String name) {
    return recent.locateAgain(name, this::lookup);
  }

  @Override
  public Future<Boolean> release(String name, String session) {
    return CompletionStages.onCallerContext(
        vertx, map.submitToKey(name, new ReleaseIfSession(session)));
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

  @Override
  public Future<Integer> countOn(String node) {
    return new HazelcastPresenceReassertion(vertx, map).countOn(node);
  }

  @Override
  public Future<PresenceReassertion> reassert(
      String node, Map<String, String> sessions, java.util.function.Predicate<String> stillHere) {
    return new HazelcastPresenceReassertion(vertx, map).reassert(node, sessions, stillHere);
  }

  private Future<Set<String>> removeMatching(Predicate<String, PresenceEntry> doomed) {
    // The predicate is evaluated again under each entry's lock, so a user who logged in elsewhere
    // meanwhile keeps the new entry.
    return vertx.executeBlocking(
        () -> {
          Map<String, Boolean> removed = map.executeOnEntries(new RemoveEntry(), doomed);
          return Set.copyOf(removed.keySet());
        },
        false);
  }

  /** Drops what this node remembers of a user when its entry changes anywhere in the cluster. */
  static final class ForgetOnChange extends EntryAdapter<String, PresenceEntry>
      implements EntryMergedListener<String, PresenceEntry> {
    private final RecentLocations recent;

    ForgetOnChange(RecentLocations recent) {
      this.recent = recent;
    }

    /** Added, updated, removed, evicted or expired. */
    @Override
    public void onEntryEvent(EntryEvent<String, PresenceEntry> event) {
      recent.forget(event.getKey());
    }

    @Override
    public void entryMerged(EntryEvent<String, PresenceEntry> event) {
      recent.forget(event.getKey());
    }

    /** Cleared or evicted as a whole. */
    @Override
    public void onMapEvent(MapEvent event) {
      recent.clear();
    }
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

  /**
   * Writes an entry where the name is free or held by the same owner; returns what held the name.
   * Carries the entry as strings: the processor travels with Java serialization, which the entry's
   * own serializer does not cover.
   */
  static final class ClaimIfOwned implements EntryProcessor<String, PresenceEntry, PresenceEntry> {
    private final String node;
    private final String session;
    private final String ownerKey;

    ClaimIfOwned(String node, String session, String ownerKey) {
      this.node = node;
      this.session = session;
      this.ownerKey = ownerKey;
    }

    @Override
    public PresenceEntry process(Map.Entry<String, PresenceEntry> entry) {
      PresenceEntry held = entry.getValue();
      if (held == null || SessionOwners.ownedBy(held.session(), ownerKey)) {
        entry.setValue(new PresenceEntry(node, session));
      }
      return held;
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
