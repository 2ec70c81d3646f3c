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
import java.util.function.Predicate;

/**
 * Presence in a Hazelcast map shared by the cluster, one {@link PresenceRecord} per name, changed
 * by entry processors that apply {@link PresenceRules} where the record is stored. Single-key
 * operations use Hazelcast's async API; the rare whole-map sweeps run on a worker thread. {@link
 * #locate} answers from the entries this node looked up lately, which a listener on the map drops
 * as soon as their user's record changes.
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
  private final IMap<String, PresenceRecord> map;
  private final RecentLocations recent = new RecentLocations(RECENT_LOCATIONS);
  private final Duration lookupTimeout;
  private final ResumeLimits limits;
  private final HazelcastPresenceSweeps sweeps;

  /**
   * @param lookupTimeout how long a lookup may take: a member that holds the entry but does not
   *     answer (frozen, cut off) would otherwise hold every relay behind it for Hazelcast's own,
   *     much longer, timeout
   * @param limits what may be held for one away session
   */
  public HazelcastPresence(
      Vertx vertx, HazelcastInstance hazelcast, Duration lookupTimeout, ResumeLimits limits) {
    this.vertx = vertx;
    this.lookupTimeout = lookupTimeout;
    this.limits = limits;
    this.map = hazelcast.getMap(MAP_NAME);
    this.sweeps = new HazelcastPresenceSweeps(vertx, map);
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
  public Future<PresenceRecord> claim(String name, PresenceEntry entry, String resumeKey) {
    return submit(name, new PresenceProcessors.Claim(entry, resumeKey));
  }

  @Override
  public Future<PresenceEntry> claimOwned(String name, PresenceEntry entry, String ownerKey) {
    return submit(name, new PresenceProcessors.ClaimOwned(entry, ownerKey));
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
        .timeout(lookupTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .map(record -> record == null ? null : record.entry());
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
  public Future<PresenceRecord> release(String name, String session) {
    return submit(name, new PresenceProcessors.Release(session));
  }

  @Override
  public Future<Boolean> goAway(String name, String session, long awayUntil) {
    return submit(name, new PresenceProcessors.GoAway(session, awayUntil));
  }

  @Override
  public Future<PresenceRules.Hold> hold(String name, String session, HeldMessage message) {
    return submit(
        name,
        new PresenceProcessors.Hold(session, message, limits.maxMessages(), limits.maxBytes()));
  }

  @Override
  public Future<PresenceRecord> resume(
      String name, String resumeKey, PresenceEntry entry, String freshKey) {
    return submit(name, new PresenceProcessors.Resume(resumeKey, entry, freshKey));
  }

  @Override
  public Future<Boolean> room(String name, String session, String room, boolean in) {
    return submit(name, new PresenceProcessors.Room(session, room, in));
  }

  @Override
  public Future<Map<String, PresenceRecord>> expireDue() {
    return sweeps.expireDue();
  }

  @Override
  public Future<Set<String>> nodeLeft(String node, long awayUntil) {
    return sweeps.nodeLeft(node, awayUntil);
  }

  @Override
  public Future<Set<String>> nodesLeft(Set<String> liveNodes, long awayUntil) {
    return sweeps.nodesLeft(liveNodes, awayUntil);
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return sweeps.removeNode(node);
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return sweeps.removeAllExcept(liveNodes);
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
      String node, Map<String, PresenceRecord> sessions, Predicate<String> stillHere) {
    return new HazelcastPresenceReassertion(vertx, map).reassert(node, sessions, stillHere);
  }

  private <T> Future<T> submit(String name, EntryProcessor<String, PresenceRecord, T> change) {
    return CompletionStages.onCallerContext(vertx, map.submitToKey(name, change));
  }

  /** Drops what this node remembers of a user when its entry changes anywhere in the cluster. */
  static final class ForgetOnChange extends EntryAdapter<String, PresenceRecord>
      implements EntryMergedListener<String, PresenceRecord> {
    private final RecentLocations recent;

    ForgetOnChange(RecentLocations recent) {
      this.recent = recent;
    }

    /** Added, updated, removed, evicted or expired. */
    @Override
    public void onEntryEvent(EntryEvent<String, PresenceRecord> event) {
      recent.forget(event.getKey());
    }

    @Override
    public void entryMerged(EntryEvent<String, PresenceRecord> event) {
      recent.forget(event.getKey());
    }

    /** Cleared or evicted as a whole. */
    @Override
    public void onMapEvent(MapEvent event) {
      recent.clear();
    }
  }
}
