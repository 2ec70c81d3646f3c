package dev.signaling.node.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Contexts on distinct event loops, for tests of what crosses from one loop to another. */
public final class EventLoops {
  private EventLoops() {}

  /** {@code count} contexts of {@code vertx}, each on an event loop of its own. */
  public static List<Context> distinct(Vertx vertx, int count) {
    List<Context> contexts = new ArrayList<>();
    Set<Object> loops = new HashSet<>();
    // New contexts are handed event loops in turn: enough tries meet every loop of the pool.
    for (int tries = 0; contexts.size() < count && tries < 64; tries++) {
      ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
      if (loops.add(context.nettyEventLoop())) {
        contexts.add(context);
      }
    }
    if (contexts.size() < count) {
      throw new IllegalStateException("Vert.x has fewer than " + count + " event loops");
    }
    return contexts;
  }
}
