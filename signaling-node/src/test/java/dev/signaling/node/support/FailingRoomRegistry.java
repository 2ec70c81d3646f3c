package dev.signaling.node.support;

import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.rooms.JoinOutcome;
import dev.signaling.node.rooms.RoomRegistry;
import dev.signaling.node.rooms.RoomRestore;
import dev.signaling.node.rooms.RoomState;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A node's room registry that can be told to fail, as a store that does not answer would: joins
 * while switched off, and the next few leaves; every leave attempt is counted. It can also hold
 * back the changes it reports to watchers. Everything else goes to the real one.
 */
public final class FailingRoomRegistry implements RoomRegistry {
  private final RoomRegistry real;
  public volatile boolean joinsFail;

  /** How many of the next leaves fail. */
  public final AtomicInteger leavesToFail = new AtomicInteger();

  public final AtomicInteger leaveAttempts = new AtomicInteger();

  /** While set, changes to watched rooms are held back, as a slow cluster would, until released. */
  public volatile boolean watchesHeld;

  private final Queue<Runnable> heldChanges = new ConcurrentLinkedQueue<>();

  public FailingRoomRegistry(RoomRegistry real) {
    this.real = real;
  }

  private static <T> Future<T> noAnswer() {
    return Future.failedFuture(
        new IllegalStateException("the room store did not answer (on purpose)"));
  }

  @Override
  public Future<JoinOutcome> join(String room, String name, PresenceEntry member, int maxMembers) {
    return joinsFail ? noAnswer() : real.join(room, name, member, maxMembers);
  }

  @Override
  public Future<Boolean> leave(String room, String name, String session) {
    leaveAttempts.incrementAndGet();
    return leavesToFail.getAndUpdate(left -> Math.max(0, left - 1)) > 0
        ? noAnswer()
        : real.leave(room, name, session);
  }

  @Override
  public Future<RoomRestore> restore(
      String room, Map<String, PresenceEntry> ours, long lastSeenVersion) {
    return real.restore(room, ours, lastSeenVersion);
  }

  @Override
  public Future<RoomState> get(String room) {
    return real.get(room);
  }

  @Override
  public Future<RoomWatch> watch(String room, Consumer<RoomState> listener) {
    return real.watch(
        room,
        state -> {
          if (watchesHeld) {
            heldChanges.add(() -> listener.accept(state));
          } else {
            listener.accept(state);
          }
        });
  }

  /** Hands on the changes held back, in order, and holds no more. */
  public void releaseWatches() {
    watchesHeld = false;
    for (Runnable change = heldChanges.poll(); change != null; change = heldChanges.poll()) {
      change.run();
    }
  }

  @Override
  public Future<Integer> count() {
    return real.count();
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return real.removeNode(node);
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return real.removeAllExcept(liveNodes);
  }
}
