package dev.signaling.node.routing;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.presence.PresenceEntry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hands one sender's frames on in the order they were sent wherever two frames may reach the same
 * recipient, however long each lookup of where they go takes; frames that cannot meet do not wait
 * for each other, so a lookup that hangs holds up only the frames for its own destination.
 *
 * <ul>
 *   <li>Frames for one user or one room go in the order they were sent. Frames queued for a
 *       destination while its lookup is in flight share its answer, so a burst of ICE candidates
 *       costs one lookup.
 *   <li>A room frame waits for earlier frames to any of its members and to rooms it shares members
 *       with (or whose members are not known yet); a frame to a user waits for earlier room frames
 *       that may include the user.
 *   <li>A frame whose lookup answers differently from the one that frames to the same destination
 *       still in flight were sent with (the user moved, or the earlier answer was out of date and
 *       is being corrected by a retry) waits until those have their results, so that it cannot
 *       overtake them.
 * </ul>
 *
 * <p>Confined to its sender's event loop: lookups and sends may complete anywhere, their results
 * are handed back there, and so are the results this queue returns.
 */
public final class RelayQueue {
  private final OwnerContext owner;

  /** Frames not yet handed on, per destination, in the order they were sent. */
  private final Map<String, Lane> lanes = new HashMap<>();

  /** Room frames not yet handed on, in the order they were sent. */
  private final List<Frame<?>> roomFrames = new ArrayList<>();

  private final Map<String, InFlight> inFlight = new HashMap<>();
  private long sent;
  private boolean pumping;
  private boolean pumpAgain;

  public RelayQueue(OwnerContext owner) {
    this.owner = owner;
  }

  /**
   * Queues a frame for user {@code target}; {@code send} gets its presence entry, {@code null} if
   * offline.
   */
  public <R> Future<R> toUser(
      String target,
      Supplier<Future<PresenceEntry>> lookup,
      Function<PresenceEntry, Future<R>> send) {
    return relay(false, target, lookup, send);
  }

  /** Queues a frame for {@code room}; {@code send} gets the members it goes to, by name. */
  public <R> Future<R> toRoom(
      String room,
      Supplier<Future<Map<String, PresenceEntry>>> members,
      Function<Map<String, PresenceEntry>, Future<R>> send) {
    return relay(true, room, members, send);
  }

  @SuppressWarnings("unchecked")
  private <L, R> Future<R> relay(
      boolean room, String name, Supplier<Future<L>> lookup, Function<L, Future<R>> send) {
    owner.check();
    String key = (room ? "room:" : "user:") + name;
    Lane lane = lanes.get(key);
    // A failed lookup is not shared: the next frame tries again.
    Lookup shared =
        lane != null && lane.frames.peekLast().lookup.failure == null
            ? lane.frames.peekLast().lookup
            : null;
    Frame<R> frame =
        new Frame<>(
            sent++,
            room,
            name,
            key,
            shared != null ? shared : new Lookup(),
            answer -> send.apply((L) answer),
            owner.promise());
    if (lane == null) {
      lane = new Lane();
      lanes.put(key, lane);
    }
    lane.frames.add(frame);
    if (room) {
      roomFrames.add(frame);
    }
    if (shared == null) {
      Lookup started = frame.lookup;
      Future<L> answer;
      try {
        answer = lookup.get();
      } catch (RuntimeException bug) {
        answer = Future.failedFuture(bug);
      }
      owner
          .adopt(answer)
          .onComplete(
              settled -> {
                started.settle(settled);
                pump();
              });
    }
    return frame.result.future();
  }

  /** Hands on every frame that may go now, until none can. */
  private void pump() {
    owner.check();
    if (pumping) {
      // Called back from a frame handed on just now; the loop below looks again.
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      boolean handedOn;
      do {
        // A frame handed on may free frames of lanes already passed: look again until nothing
        // moves.
        handedOn = false;
        pumpAgain = false;
        for (Iterator<Lane> lanesLeft = lanes.values().iterator(); lanesLeft.hasNext(); ) {
          ArrayDeque<Frame<?>> frames = lanesLeft.next().frames;
          while (!frames.isEmpty() && mayGo(frames.peek())) {
            handOn(frames.poll());
            handedOn = true;
          }
          if (frames.isEmpty()) {
            lanesLeft.remove();
          }
        }
      } while (handedOn || pumpAgain);
    } finally {
      pumping = false;
    }
  }

  /** Whether the frame at the head of its lane may be handed on now. */
  private boolean mayGo(Frame<?> frame) {
    Lookup lookup = frame.lookup;
    if (!lookup.done) {
      return false;
    }
    if (lookup.failure != null) {
      // Nothing will be delivered: no order to keep.
      return true;
    }
    if (differsFromInFlight(frame.key, lookup.answer)) {
      return false;
    }
    return frame.room ? roomMayGo(frame, members(lookup)) : userMayGo(frame);
  }

  private boolean userMayGo(Frame<?> frame) {
    for (Frame<?> room : roomFrames) {
      if (room.seq > frame.seq) {
        break;
      }
      if (!room.lookup.done || members(room.lookup).containsKey(frame.name)) {
        return false;
      }
    }
    return true;
  }

  private boolean roomMayGo(Frame<?> frame, Map<String, PresenceEntry> members) {
    for (Map.Entry<String, PresenceEntry> member : members.entrySet()) {
      Lane lane = lanes.get("user:" + member.getKey());
      if (lane != null && lane.frames.peek().seq < frame.seq) {
        return false;
      }
      // A frame to the member may be on its way again, to where the member is now.
      if (differsFromInFlight("user:" + member.getKey(), member.getValue())) {
        return false;
      }
    }
    for (Frame<?> room : roomFrames) {
      if (room.seq >= frame.seq) {
        break;
      }
      if (!room.lookup.done || sharesMembers(members(room.lookup), members)) {
        return false;
      }
    }
    return true;
  }

  private boolean differsFromInFlight(String key, Object answer) {
    InFlight earlier = inFlight.get(key);
    return earlier != null && !Objects.equals(earlier.answer, answer);
  }

  private void handOn(Frame<?> frame) {
    if (frame.room) {
      roomFrames.remove(frame);
    }
    Lookup lookup = frame.lookup;
    if (lookup.failure != null) {
      frame.result.fail(lookup.failure);
      return;
    }
    Future<?> result = frame.send(lookup.answer);
    InFlight frames = inFlight.computeIfAbsent(frame.key, ignored -> new InFlight(lookup.answer));
    frames.count++;
    result.onComplete(
        done -> {
          if (--frames.count == 0) {
            inFlight.remove(frame.key, frames);
            pump();
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, PresenceEntry> members(Lookup lookup) {
    return lookup.failure != null || lookup.answer == null
        ? Map.of()
        : (Map<String, PresenceEntry>) lookup.answer;
  }

  private static boolean sharesMembers(
      Map<String, PresenceEntry> some, Map<String, PresenceEntry> others) {
    Map<String, PresenceEntry> smaller = some.size() <= others.size() ? some : others;
    Map<String, PresenceEntry> larger = smaller == some ? others : some;
    for (String name : smaller.keySet()) {
      if (larger.containsKey(name)) {
        return true;
      }
    }
    return false;
  }

  /** The frames not yet handed on for one destination. */
  private static final class Lane {
    final ArrayDeque<Frame<?>> frames = new ArrayDeque<>(2);
  }

  /**
   * Where a destination is, once known; shared by the frames queued for it while it was looked up.
   */
  private static final class Lookup {
    boolean done;
    Object answer;
    Throwable failure;

    void settle(AsyncResult<?> settled) {
      done = true;
      answer = settled.result();
      failure = settled.cause();
    }
  }

  /** Frames to one destination handed on with the same answer and not yet done. */
  private static final class InFlight {
    final Object answer;
    int count;

    InFlight(Object answer) {
      this.answer = answer;
    }
  }

  /**
   * A queued frame; the lookup's answer type is erased so that one queue holds every destination
   * kind.
   */
  private final class Frame<R> {
    final long seq;
    final boolean room;
    final String name;
    final String key;
    final Lookup lookup;
    final Function<Object, Future<R>> send;
    final Promise<R> result;

    Frame(
        long seq,
        boolean room,
        String name,
        String key,
        Lookup lookup,
        Function<Object, Future<R>> send,
        Promise<R> result) {
      this.seq = seq;
      this.room = room;
      this.name = name;
      this.key = key;
      this.lookup = lookup;
      this.send = send;
      this.result = result;
    }

    Future<R> send(Object answer) {
      Future<R> sending;
      try {
        sending = send.apply(answer);
      } catch (RuntimeException bug) {
        sending = Future.failedFuture(bug);
      }
      Future<R> settled = owner.adopt(sending);
      settled.onComplete(result);
      return settled;
    }
  }
}
