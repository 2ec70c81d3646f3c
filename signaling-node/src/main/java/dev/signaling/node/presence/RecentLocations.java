package dev.signaling.node.presence;

import dev.signaling.node.base.OwnerContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * The presence entries this node looked up lately, so that a relay to a user it already knows needs
 * no round trip to the presence map. Entries are dropped when the map reports a change of their
 * user, so they are out of date only while that report travels; {@link Presence#locate} explains
 * how callers check them.
 *
 * <p>An answer is never kept if a change of its user was reported after its lookup was sent: it may
 * predate that change. Changes are counted per stripe of names (a stamp taken before each lookup is
 * compared when the answer arrives), which bounds the bookkeeping at the price of now and then not
 * keeping an answer that was in fact current.
 *
 * <p>Bounded: past {@code capacity} names it starts again empty, which costs one lookup per active
 * user rather than the bookkeeping of an LRU order on every relay. Safe on any thread.
 */
final class RecentLocations {
  private static final int STRIPES = 1024;

  private final Map<String, PresenceEntry> entries = new ConcurrentHashMap<>();
  private final Map<String, Future<PresenceEntry>> relocating = new ConcurrentHashMap<>();
  private final AtomicLongArray changes = new AtomicLongArray(STRIPES);
  private final int capacity;

  RecentLocations(int capacity) {
    this.capacity = capacity;
  }

  /**
   * The remembered entry of {@code name}, or {@code lookup}'s answer, remembered unless it may be
   * stale.
   */
  Future<PresenceEntry> locate(String name, Function<String, Future<PresenceEntry>> lookup) {
    PresenceEntry known = entries.get(name);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    long stamp = stamp(name);
    return lookup.apply(name).andThen(found -> rememberFound(name, found, stamp));
  }

  /**
   * Forgets {@code name} and asks {@code lookup} again. One lookup for all who ask while it is in
   * flight: frames of one sender retried one after the other then go on in the order they asked,
   * which separate lookups, answered in any order, would not keep. Each caller gets the answer on
   * its own context.
   */
  Future<PresenceEntry> locateAgain(String name, Function<String, Future<PresenceEntry>> lookup) {
    forget(name);
    Promise<PresenceEntry> mine = Promise.promise();
    Future<PresenceEntry> shared = relocating.putIfAbsent(name, mine.future());
    if (shared == null) {
      long stamp = stamp(name);
      lookup
          .apply(name)
          .onComplete(
              found -> {
                relocating.remove(name, mine.future());
                rememberFound(name, found, stamp);
                mine.handle(found);
              });
      shared = mine.future();
    }
    return OwnerContext.onCaller(shared);
  }

  PresenceEntry get(String name) {
    return entries.get(name);
  }

  /**
   * Taken before a lookup; {@link #remember} keeps the answer only if no change came in between.
   */
  long stamp(String name) {
    return changes.get(stripe(name));
  }

  void remember(String name, PresenceEntry entry, long stamp) {
    int stripe = stripe(name);
    if (changes.get(stripe) != stamp) {
      return;
    }
    if (entries.size() >= capacity) {
      entries.clear();
    }
    entries.put(name, entry);
    // A change reported between the check and the put has already tried to remove the entry: remove
    // it now.
    if (changes.get(stripe) != stamp) {
      entries.remove(name, entry);
    }
  }

  /** Drops {@code name}: its entry changed, or turned out to be out of date. */
  void forget(String name) {
    changes.incrementAndGet(stripe(name));
    entries.remove(name);
  }

  /** Drops everything: changes may have been missed. */
  void clear() {
    for (int i = 0; i < STRIPES; i++) {
      changes.incrementAndGet(i);
    }
    entries.clear();
  }

  private void rememberFound(String name, AsyncResult<PresenceEntry> found, long stamp) {
    if (found.succeeded() && found.result() != null) {
      remember(name, found.result(), stamp);
    }
  }

  private static int stripe(String name) {
    int hash = name.hashCode();
    return (hash ^ (hash >>> 16)) & (STRIPES - 1);
  }
}
