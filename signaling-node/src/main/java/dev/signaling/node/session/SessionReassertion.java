package dev.signaling.node.session;

import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.presence.PresenceReassertion;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps presence and rooms in step with this node's sessions, the node being their authority:
 * entries the cluster lost (a partition whose owner and backup died together, or the part of the
 * data a split left on the other side) are put back, entries of sessions the node no longer has are
 * removed, and a session whose name a newer login took meanwhile is ended as replaced. Nothing is
 * overwritten: a name held by another session stays that session's.
 *
 * <p>Cheap by default: each period, the entries naming this node are counted where they are stored
 * and compared with the sessions here. A full pass (the node's entries against its sessions, then
 * every room with members here) runs when they differ, when {@linkplain #reassertSoon asked} (a
 * member left or joined, a merge completed, a room lost members of ours) and every {@link
 * #FULL_PASS_EVERY} periods as a safety net. One pass at a time; all state is confined to one
 * context.
 *
 * <p>Only sessions whose claim has completed count: one whose claim is in flight is neither
 * restored (its claim writes the entry) nor stripped of its entry.
 */
public final class SessionReassertion {
  private static final Logger LOG = LoggerFactory.getLogger(SessionReassertion.class);

  /** Every how many periods a full pass runs even when the counts agree. */
  static final int FULL_PASS_EVERY = 10;

  private final Vertx vertx;
  private final Context context;
  private final String nodeId;
  private final Presence presence;
  private final LocalSessions sessions;
  private final RoomService rooms;
  private final Duration period;
  private final ReassertionMetrics metrics;

  /** Sessions being sent away after this side lost a split: theirs were discarded, and stay so. */
  private final Set<String> setAside = ConcurrentHashMap.newKeySet();

  private long timer = -1;
  private long ticks;
  private boolean running;
  private boolean fullPassWanted;
  private boolean stopped;
  private Promise<Void> idle = Promise.promise();

  public SessionReassertion(
      Vertx vertx,
      String nodeId,
      Presence presence,
      LocalSessions sessions,
      RoomService rooms,
      Duration period,
      ReassertionMetrics metrics) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.nodeId = nodeId;
    this.presence = presence;
    this.sessions = sessions;
    this.rooms = rooms;
    this.period = period;
    this.metrics = metrics;
    idle.complete();
  }

  public void start() {
    context.runOnContext(ignored -> timer = vertx.setPeriodic(period.toMillis(), tick -> onTick()));
  }

  /**
   * Stops; completes once a pass under way has finished, so that it restores nothing after the node
   * left.
   */
  public Future<Void> stop() {
    Promise<Void> stoppedWhenIdle = Promise.promise();
    context.runOnContext(
        ignored -> {
          stopped = true;
          vertx.cancelTimer(timer);
          idle.future().onComplete(done -> stoppedWhenIdle.complete());
        });
    return stoppedWhenIdle.future();
  }

  /** Runs a full pass as soon as the one under way, if any, has finished. */
  public void reassertSoon(String why) {
    context.runOnContext(
        ignored -> {
          LOG.debug("full re-assertion of this node's sessions asked for: {}", why);
          fullPassWanted = true;
          runIfIdle();
        });
  }

  /**
   * The sessions open now are being sent away (this side of a split lost, and its presence and
   * rooms were discarded): they are neither restored nor counted from now on.
   */
  public void setAsideSessionsOpenNow() {
    sessions.all().forEach(session -> setAside.add(session.id()));
  }

  private void onTick() {
    if (running || stopped) {
      return;
    }
    if (++ticks % FULL_PASS_EVERY == 0) {
      fullPassWanted = true;
      runIfIdle();
      return;
    }
    int here = presentByName().size();
    begin();
    guarded(() -> presence.countOn(nodeId))
        .onComplete(
            counted -> {
              if (counted.failed()) {
                LOG.warn("could not count this node's presence entries", counted.cause());
              } else if (counted.result() != here) {
                LOG.debug(
                    "{} presence entries name this node, which has {} sessions: full pass",
                    counted.result(),
                    here);
                fullPassWanted = true;
              }
              end();
            });
  }

  private void runIfIdle() {
    if (running || stopped || !fullPassWanted) {
      return;
    }
    fullPassWanted = false;
    begin();
    guarded(this::fullPass)
        .onComplete(
            done -> {
              if (done.failed()) {
                LOG.warn(
                    "re-asserting this node's sessions failed; the next pass will try again",
                    done.cause());
              }
              end();
            });
  }

  /** A bug must cost one pass, never leave the passes stuck as running. */
  private static <T> Future<T> guarded(Supplier<Future<T>> pass) {
    try {
      return pass.get();
    } catch (RuntimeException bug) {
      return Future.failedFuture(bug);
    }
  }

  private void begin() {
    running = true;
    idle = Promise.promise();
  }

  private void end() {
    running = false;
    idle.complete();
    runIfIdle();
  }

  private Future<Void> fullPass() {
    setAside.removeIf(id -> !sessions.isRegistered(id));
    Map<String, Session> present = presentByName();
    Map<String, PresenceRecord> records = new HashMap<>();
    present.forEach(
        (name, session) ->
            records.put(
                name,
                PresenceRecord.connected(
                    new PresenceEntry(nodeId, session.id()), session.resumeKey())));
    Future<Void> entries =
        presence
            .reassert(nodeId, records, sessions::isRegistered)
            .map(
                done -> {
                  onPresenceReasserted(done, present);
                  return null;
                });
    Future<Void> memberships =
        rooms
            .reassert(member -> isPresent(member))
            .map(
                restored -> {
                  metrics.restoredMemberships(restored);
                  if (restored > 0) {
                    LOG.info("restored {} room memberships of this node's sessions", restored);
                  }
                  return null;
                });
    return Future.join(entries, memberships).mapEmpty();
  }

  private void onPresenceReasserted(PresenceReassertion done, Map<String, Session> present) {
    metrics.restoredEntries(done.restored().size());
    metrics.staleEntriesRemoved(done.removed().size());
    for (String name : done.restored()) {
      Session session = present.get(name);
      if (!isPresent(session)) {
        // It ended while its entry was being restored, perhaps after its own release: release it
        // again.
        presence.release(name, session.id());
      }
    }
    for (String name : done.superseded()) {
      Session session = present.get(name);
      if (!session.isEnded()) {
        metrics.supersededSession();
        session.replace();
      }
    }
    if (!done.equals(PresenceReassertion.NOTHING)) {
      LOG.info(
          "re-asserted this node's presence: {} entries restored, {} stale entries removed, {} sessions"
              + " replaced by newer logins",
          done.restored().size(),
          done.removed().size(),
          done.superseded().size());
    }
  }

  private boolean isPresent(Session session) {
    return session.isClaimed() && !session.isEnded() && !setAside.contains(session.id());
  }

  private boolean isPresent(RoomMember member) {
    Session session = sessions.find(member.name(), member.sessionId());
    return session != null && isPresent(session);
  }

  /** The present sessions by name; a name with two (one being replaced) waits for the next pass. */
  private Map<String, Session> presentByName() {
    Map<String, Session> byName = new HashMap<>();
    Set<String> twice = new HashSet<>();
    for (Session session : sessions.all()) {
      if (isPresent(session) && byName.putIfAbsent(session.name(), session) != null) {
        twice.add(session.name());
      }
    }
    twice.forEach(byName::remove);
    return byName;
  }
}
