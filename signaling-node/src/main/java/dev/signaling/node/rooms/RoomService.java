package dev.signaling.node.rooms;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of this node's sessions: joins and leaves, the presence events each member receives,
 * and the membership room messages fan out to. It decides; {@link RoomEvents} tells the members.
 *
 * <p>This node watches each room that has a member here, and keeps the room's latest state from the
 * watch, so a room message needs no lookup. Presence events reach members in the order the room
 * changed: the watch delivers states in version order, all bookkeeping runs on one context, and a
 * member's {@code joined} answer is written before any event that follows its join.
 *
 * <p>The node is the authority on its members: {@link #reassert} puts back memberships the registry
 * lost (a room whose entry died with its owner and backup), and members are told what differs
 * between the last state they knew and the restored one, so that nobody keeps a ghost.
 */
public final class RoomService {
  private static final Logger LOG = LoggerFactory.getLogger(RoomService.class);

  private final Context context;
  private final RoomRegistry registry;
  private final RoomEvents events;
  private final String nodeId;
  private final int maxRoomsPerUser;
  private final int maxRoomMembers;
  private final Map<String, LocalRoom> rooms = new HashMap<>();
  private final Map<String, Set<String>> roomsOfSession = new HashMap<>();
  private final RoomLeaves leaves;
  private final RoomRestorer restorer;
  private volatile Runnable onMembershipLost = () -> {};

  public RoomService(
      Vertx vertx,
      RoomRegistry registry,
      RoomEvents events,
      String nodeId,
      int maxRoomsPerUser,
      int maxRoomMembers) {
    this.context = vertx.getOrCreateContext();
    this.registry = registry;
    this.events = events;
    this.nodeId = nodeId;
    this.maxRoomsPerUser = maxRoomsPerUser;
    this.maxRoomMembers = maxRoomMembers;
    this.leaves = new RoomLeaves(vertx, registry);
    this.restorer = new RoomRestorer(registry, nodeId, rooms::get);
  }

  /**
   * Joins {@code room}; tells the member it {@code joined}, then the room's events as they come.
   */
  public Future<Void> join(RoomMember session, String room, Object id) {
    return onRoomsContext(
        () -> {
          Set<String> joined =
              roomsOfSession.computeIfAbsent(session.sessionId(), key -> new LinkedHashSet<>());
          LocalRoom local = rooms.get(room);
          LocalMember already = local == null ? null : local.members.get(session.sessionId());
          if (already != null) {
            // Already a member: answer with the room as it is now, not as it was at the first join.
            return already.joined.map(
                joinedState -> {
                  events.joined(session, room, newest(local, joinedState).members().keySet(), id);
                  return null;
                });
          }
          if (joined.size() >= maxRoomsPerUser) {
            return Future.failedFuture(
                new Refusal(
                    ErrorCode.TOO_MANY_ROOMS,
                    "A session may be in " + maxRoomsPerUser + " rooms at once; leave one first."));
          }
          LocalRoom target = local != null ? local : openRoom(room);
          LocalMember member = new LocalMember(session);
          target.members.put(session.sessionId(), member);
          joined.add(room);
          return target
              .watch
              .compose(
                  watching ->
                      registry.join(
                          room,
                          session.name(),
                          new PresenceEntry(nodeId, session.sessionId()),
                          maxRoomMembers))
              .transform(
                  outcome ->
                      onJoinOutcome(
                          target, member, outcome.succeeded() ? outcome.result() : null, id));
        });
  }

  /**
   * Leaves {@code room}; tells the member it {@code left} once the room has let everyone else know.
   */
  public Future<Void> leave(RoomMember session, String room, Object id) {
    return onRoomsContext(
        () -> {
          LocalRoom local = rooms.get(room);
          LocalMember member = local == null ? null : local.members.get(session.sessionId());
          if (member == null) {
            return Future.failedFuture(
                new Refusal(ErrorCode.NOT_IN_ROOM, "Not a member of \"" + room + "\"."));
          }
          return forget(local, member)
              .transform(
                  left -> {
                    if (left.failed()) {
                      // Out of the room here (no event reaches the member any more), but the room
                      // may list it a while longer: the store did not answer, and the leave is
                      // retried in the background.
                      return Future.failedFuture(
                          new Refusal(
                              ErrorCode.SERVER_UNAVAILABLE,
                              "The room service did not record the leave; the room may list you a while longer."));
                    }
                    events.left(session, room, id);
                    return Future.succeededFuture();
                  });
        });
  }

  /**
   * A session that has ended but may be resumed leaves its rooms here, not in the registry: it
   * stays a member while it is away, and the node that resumes it, or the end of its window,
   * decides.
   */
  public Future<Void> detach(RoomMember session) {
    return onRoomsContext(
        () -> {
          Set<String> joined = roomsOfSession.remove(session.sessionId());
          if (joined != null) {
            for (String room : joined) {
              LocalRoom local = rooms.get(room);
              LocalMember member = local == null ? null : local.members.get(session.sessionId());
              if (member != null) {
                dropMember(local, member);
              }
            }
          }
          return Future.succeededFuture();
        });
  }

  /** Leaves every room of a session that has ended. */
  public Future<Void> leaveAll(RoomMember session) {
    return onRoomsContext(
        () -> {
          Set<String> joined = roomsOfSession.remove(session.sessionId());
          if (joined == null) {
            return Future.succeededFuture();
          }
          return Future.join(
                  joined.stream()
                      .map(rooms::get)
                      .filter(
                          local -> local != null && local.members.containsKey(session.sessionId()))
                      .map(local -> forget(local, local.members.get(session.sessionId())))
                      .toList())
              .mapEmpty();
        });
  }

  /**
   * The members a room message from {@code session} goes to; fails with not-in-room for a
   * non-member.
   */
  public Future<Map<String, PresenceEntry>> membersFor(RoomMember session, String room) {
    return onRoomsContext(
        () -> {
          LocalRoom local = rooms.get(room);
          LocalMember member = local == null ? null : local.members.get(session.sessionId());
          if (member == null) {
            return Future.failedFuture(
                new Refusal(ErrorCode.NOT_IN_ROOM, "Join \"" + room + "\" before sending to it."));
          }
          return member.joined.map(joinedState -> newest(local, joinedState).members());
        });
  }

  /**
   * Calls {@code listener} when a room shows that memberships of this node's sessions were lost: it
   * emptied, or started again below a version this node saw, while members of ours were in it. The
   * listener is expected to have them {@link #reassert re-asserted}.
   */
  public void onMembershipLost(Runnable listener) {
    this.onMembershipLost = listener;
  }

  /**
   * Re-asserts, in every room with members here, the memberships of the members whose join has
   * settled and whose session is {@code present}; members whose join is under way are left to it.
   * Memberships the registry holds for sessions of this node that are no longer in the room here
   * are removed. Completes with how many memberships were put back.
   */
  public Future<Integer> reassert(Predicate<RoomMember> present) {
    return onRoomsContext(
        () -> {
          List<Future<Integer>> restores = new ArrayList<>();
          for (LocalRoom local : List.copyOf(rooms.values())) {
            restores.add(restorer.restore(local, present));
          }
          return Future.join(restores)
              .transform(
                  done -> {
                    int restored = 0;
                    for (Future<Integer> restore : restores) {
                      if (restore.succeeded()) {
                        restored += restore.result();
                      } else {
                        LOG.warn(
                            "could not re-assert the members of a room; the next pass will",
                            restore.cause());
                      }
                    }
                    return Future.succeededFuture(restored);
                  });
        });
  }

  /**
   * The newer of the watched state and the one a member's join returned: the watch may not yet have
   * delivered the state the join produced. While a member of ours is in the room it cannot empty,
   * so versions of the two are comparable; a room lost with its entry is restored above both.
   */
  private static RoomState newest(LocalRoom local, RoomState joinedState) {
    RoomState newest = joinedState;
    for (RoomState known : new RoomState[] {local.latest, local.joinedLatest}) {
      if (known != null && known.version() > newest.version()) {
        newest = known;
      }
    }
    return newest;
  }

  private LocalRoom openRoom(String room) {
    LocalRoom local = new LocalRoom(room);
    local.watch =
        registry.watch(room, state -> context.runOnContext(ignored -> onState(local, state)));
    rooms.put(room, local);
    return local;
  }

  private Future<Void> onJoinOutcome(
      LocalRoom local, LocalMember member, JoinOutcome outcome, Object id) {
    if (outcome == null || !outcome.joined()) {
      Refusal refusal =
          outcome == null
              ? new Refusal(
                  ErrorCode.SERVER_UNAVAILABLE, "The room service did not answer; join again.")
              : new Refusal(
                  ErrorCode.ROOM_FULL,
                  "\"" + local.name + "\" has " + maxRoomMembers + " members already.");
      member.joinFailed(refusal);
      dropMember(local, member);
      return Future.failedFuture(refusal);
    }
    if (!local.members.containsKey(member.session.sessionId())) {
      // The session ended while the join was under way; its leave follows the join.
      member.joinedAs(outcome.state());
      return Future.succeededFuture();
    }
    if (local.joinedLatest == null || outcome.state().version() > local.joinedLatest.version()) {
      local.joinedLatest = outcome.state();
    }
    events.joined(member.session, local.name, outcome.state().members().keySet(), id);
    member.joinedAs(outcome.state());
    member.queued.forEach(state -> announce(local.name, member, state));
    member.queued.clear();
    return Future.succeededFuture();
  }

  private void onState(LocalRoom local, RoomState state) {
    boolean oursSettled = local.members.values().stream().anyMatch(member -> member.seen != null);
    if (state == null || state.version() < local.highestVersion) {
      if (oursSettled) {
        // Members of ours were in it: their memberships were lost with the room's entry (its owner
        // and backup died), not ended. The states stay as they were until ours are restored.
        onMembershipLost.run();
        return;
      }
      // Emptied by its last members' leaving: a new room may start at version 1.
      local.latest = null;
      local.joinedLatest = null;
      local.highestVersion = 0;
      if (state == null) {
        return;
      }
    }
    local.latest = state;
    local.highestVersion = state.version();
    for (LocalMember member : local.members.values()) {
      if (member.seen == null) {
        member.queued.add(state);
      } else {
        announce(local.name, member, state);
      }
    }
  }

  /**
   * Tells a member who came and went: the state's changes when it follows the last state the member
   * knew and records some; otherwise the difference between the two. A restored room records none,
   * and may follow any state (see {@link #reassert}); a state that records none because only a
   * member's session changed differs in nobody.
   */
  private void announce(String room, LocalMember member, RoomState state) {
    RoomState known = member.seen;
    if (state.version() <= known.version()) {
      return;
    }
    member.seen = state;
    List<RoomChange> changes =
        state.version() == known.version() + 1 && !state.changes().isEmpty()
            ? state.changes()
            : state.changesSince(known);
    for (RoomChange change : changes) {
      if (!change.name().equals(member.session.name())) {
        events.presence(member.session, room, change.name(), change.online());
      }
    }
  }

  /**
   * Removes a member here at once (no event reaches it after) and from the room once its join
   * settled.
   */
  private Future<Boolean> forget(LocalRoom local, LocalMember member) {
    dropMember(local, member);
    RoomMember session = member.session;
    return member.joined.transform(
        joined ->
            joined.succeeded() ? leaves.leave(local.name, session) : Future.succeededFuture(false));
  }

  private void dropMember(LocalRoom local, LocalMember member) {
    local.members.remove(member.session.sessionId(), member);
    Set<String> joined = roomsOfSession.get(member.session.sessionId());
    if (joined != null) {
      joined.remove(local.name);
    }
    if (local.members.isEmpty() && rooms.remove(local.name, local)) {
      local.watch.onSuccess(RoomRegistry.RoomWatch::cancel);
    }
  }

  /**
   * Runs {@code action} on the rooms context; the result is handed back on the caller's context.
   */
  private <T> Future<T> onRoomsContext(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    Future<T> handedBack = OwnerContext.onCaller(result.future());
    context.runOnContext(
        ignored -> {
          Future<T> outcome;
          try {
            outcome = action.get();
          } catch (RuntimeException bug) {
            outcome = Future.failedFuture(bug);
          }
          outcome.onComplete(result);
        });
    return handedBack;
  }
}
