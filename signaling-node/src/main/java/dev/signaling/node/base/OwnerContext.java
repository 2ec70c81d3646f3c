package dev.signaling.node.base;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.FutureInternal;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop that owns a piece of state (a connection's, a session's, a relay queue's): the
 * state is touched only there, so it needs no locks. Results that complete anywhere else are handed
 * back here before they touch it, and {@link #check()} makes a violation fail loudly where checks
 * are on.
 *
 * <p>Checks are on when assertions are ({@code -ea}, as in every test run) and cost nothing
 * otherwise.
 */
public final class OwnerContext {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerContext.class);
  private static final boolean CHECKED = OwnerContext.class.desiredAssertionStatus();
  private static final Queue<IllegalStateException> VIOLATIONS = new ConcurrentLinkedQueue<>();

  private final ContextInternal context;

  private OwnerContext(ContextInternal context) {
    this.context = context;
  }

  /** The context of the calling thread, which must be a Vert.x event loop. */
  public static OwnerContext ofCaller() {
    ContextInternal current = ContextInternal.current();
    if (current == null || !current.isEventLoopContext()) {
      throw new IllegalStateException("not on an event loop: " + Thread.currentThread().getName());
    }
    return new OwnerContext(current);
  }

  /** {@code context}, typically a connection's, as the owner of state created off its thread. */
  public static OwnerContext of(Context context) {
    return new OwnerContext((ContextInternal) context);
  }

  public Context context() {
    return context;
  }

  /** Whether the calling thread is the owner's event loop. */
  public boolean isCurrent() {
    return context.inThread();
  }

  /**
   * Fails, and records the failure for the tests to find, when called anywhere but on the owner.
   */
  public void check() {
    if (CHECKED && !context.inThread()) {
      IllegalStateException violation =
          new IllegalStateException(
              "state owned by "
                  + context.nettyEventLoop()
                  + " touched on "
                  + Thread.currentThread().getName());
      VIOLATIONS.add(violation);
      LOG.error("confinement violated", violation);
      throw violation;
    }
  }

  /** Runs {@code action} on the owner: at once when called there, otherwise as its next task. */
  public void run(Runnable action) {
    if (context.inThread()) {
      action.run();
    } else {
      // As a task of the context, not merely of its thread: what the action starts (futures,
      // timers,
      // an owner of its own) finds the context current.
      context.runOnContext(task -> action.run());
    }
  }

  /** A promise whose callbacks run on the owner, whichever thread completes it. */
  public <T> Promise<T> promise() {
    return context.promise();
  }

  /**
   * {@code future}'s outcome, with callbacks on the owner; {@code future} itself when that is
   * already so.
   */
  public <T> Future<T> adopt(Future<T> future) {
    return handOver(future, context);
  }

  /**
   * {@code future}'s outcome with callbacks on the calling thread's context, for results shared
   * with or produced on other event loops; {@code future} itself when called off any context.
   */
  public static <T> Future<T> onCaller(Future<T> future) {
    ContextInternal caller = ContextInternal.current();
    return caller == null ? future : handOver(future, caller);
  }

  private static <T> Future<T> handOver(Future<T> future, ContextInternal to) {
    if (future.isComplete() ? to.inThread() : emitsOn(future, to)) {
      return future;
    }
    Promise<T> handedOver = to.promise();
    future.onComplete(handedOver);
    return handedOver.future();
  }

  /** Whether {@code future}'s callbacks run on {@code to}'s event loop, whoever completes it. */
  private static boolean emitsOn(Future<?> future, ContextInternal to) {
    return future instanceof FutureInternal<?> internal
        && internal.context() != null
        && internal.context().nettyEventLoop() == to.nettyEventLoop();
  }

  /** Every violation recorded in this JVM so far; the tests fail when there is one. */
  public static List<IllegalStateException> violations() {
    return List.copyOf(VIOLATIONS);
  }

  /** Forgets a violation provoked on purpose, by the test of this guard. */
  static void forget(IllegalStateException provoked) {
    VIOLATIONS.remove(provoked);
  }

  @Override
  public String toString() {
    return "OwnerContext[" + context.nettyEventLoop() + "]";
  }
}
