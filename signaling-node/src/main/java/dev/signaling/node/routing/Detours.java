package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps the frames to one user that take a detour in the order they were sent. A frame takes a
 * detour when its user is away (it is held) or was not where the frame was sent (it follows the
 * user). Each step of a detour waits for an answer of the presence map, and the answers to frames
 * sent one after the other may come back in any order (on other threads, or retried while
 * partitions migrate): so a frame starts its detour only once the frames to the same user that took
 * one before it have been placed (held, handed to the user's node, or failed).
 */
final class Detours {
  private final Map<String, Future<Void>> lastPlaced = new ConcurrentHashMap<>();

  /** A frame on its way to one user, with the number its hold would carry. */
  static final class Frame {
    final String text;
    final long ref;

    /** Made when the frame takes a detour: most frames never do, and cost nothing here. */
    private volatile Promise<Void> placed;

    Frame(String text, long ref) {
      this.text = text;
      this.ref = ref;
    }

    /** The frame is held, or its fate is known: frames behind it may go on. */
    void placed() {
      Promise<Void> detour = placed;
      if (detour != null) {
        detour.tryComplete();
      }
    }
  }

  /**
   * Runs {@code detour} for {@code frame} once the earlier detours to {@code target} are placed.
   */
  <T> Future<T> inTurn(String target, Frame frame, Supplier<Future<T>> detour) {
    if (frame.placed != null) {
      // A later step of the same detour (a user followed, then found away): its turn is taken.
      return detour.get();
    }
    frame.placed = Promise.promise();
    Future<Void> mine = frame.placed.future();
    Future<Void> before = lastPlaced.put(target, mine);
    mine.onComplete(done -> lastPlaced.remove(target, mine));
    Future<T> fate = before == null ? detour.get() : before.transform(settled -> detour.get());
    // A detour's result is the frame's fate: known, the frame is placed at the latest.
    return fate.onComplete(known -> frame.placed());
  }
}
