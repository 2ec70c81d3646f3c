package dev.signaling.node.routing;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Relays one sender's frames in the order they were sent, however long each lookup of where they go
 * takes: a frame is handed to the transport only after every earlier frame has been. Frames queued for the
 * same destination while a lookup is in flight share its answer, so a burst of ICE candidates costs one
 * lookup. A frame whose lookup answers differently from the one that frames to the same destination
 * still in flight were sent with (the user moved, or the earlier answer was out of date and is being
 * corrected by a retry) waits until those have their results, so that it cannot overtake them.
 *
 * <p>Not thread-safe: used only on its sender's event loop.
 */
public final class RelayQueue {
  private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private boolean lookingUp;

  RelayQueue() {
  }

  /**
   * Queues a frame for {@code destination}.
   *
   * @param destination what the lookup is about ({@code "user:bob"}, {@code "room:lobby"}): consecutive
   *     frames with the same destination share one lookup
   * @param lookup finds where the destination is
   * @param send hands the frame to the transport given the lookup's answer; completes with the result
   */
  public <L, R> Future<R> relay(String destination, Supplier<Future<L>> lookup, Function<L, Future<R>> send) {
    Pending<R> pending = new Pending<>(destination, lookup, send, Promise.promise());
    queue.add(pending);
    if (!lookingUp) {
      lookUpHead();
    }
    return pending.result.future();
  }

  private void lookUpHead() {
    Pending<?> head = queue.peek();
    if (head == null) {
      lookingUp = false;
      return;
    }
    lookingUp = true;
    head.lookup.get().onComplete(answer -> dispatch(head.destination, answer));
  }

  /** Hands on the queued frames for {@code destination} with the lookup's answer, then looks up the next. */
  private void dispatch(String destination, AsyncResult<?> answer) {
    while (!queue.isEmpty() && queue.peek().destination.equals(destination)) {
      InFlight earlier = inFlight.get(destination);
      if (answer.succeeded() && earlier != null && !Objects.equals(earlier.answer, answer.result())) {
        earlier.whenDone = () -> dispatch(destination, answer);
        return;
      }
      Pending<?> next = queue.poll();
      if (answer.succeeded()) {
        track(destination, answer.result(), next.result.future());
      }
      next.dispatch(answer.succeeded(), answer.result(), answer.cause());
    }
    lookUpHead();
  }

  private void track(String destination, Object answer, Future<?> result) {
    InFlight frames = inFlight.computeIfAbsent(destination, ignored -> new InFlight(answer));
    frames.count++;
    result.onComplete(done -> {
      if (--frames.count == 0) {
        inFlight.remove(destination);
        Runnable waiting = frames.whenDone;
        frames.whenDone = null;
        if (waiting != null) {
          waiting.run();
        }
      }
    });
  }

  /** Frames to one destination handed on with the same answer and not yet done. */
  private static final class InFlight {
    final Object answer;
    int count;
    Runnable whenDone;

    InFlight(Object answer) {
      this.answer = answer;
    }
  }

  /** A queued frame; the lookup's answer type is erased so that one queue holds every destination kind. */
  private static final class Pending<R> {
    final String destination;
    final Supplier<? extends Future<?>> lookup;
    final Function<Object, Future<R>> send;
    final Promise<R> result;

    @SuppressWarnings("unchecked")
    <L> Pending(String destination, Supplier<Future<L>> lookup, Function<L, Future<R>> send, Promise<R> result) {
      this.destination = destination;
      this.lookup = lookup;
      this.send = answer -> send.apply((L) answer);
      this.result = result;
    }

    void dispatch(boolean found, Object answer, Throwable failure) {
      if (!found) {
        result.fail(failure);
        return;
      }
      try {
        send.apply(answer).onComplete(result);
      } catch (RuntimeException bug) {
        result.fail(bug);
      }
    }
  }
}
