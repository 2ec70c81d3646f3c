package dev.signaling.node.session;

import dev.signaling.node.base.OwnerContext;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Closes a connection that was sent away ({@code go-away}) only once every message the client sent
 * before it read {@code go-away} is answered: those still on the wire get {@link #GRACE_MS} to
 * arrive, and answers that never come are waited for no longer than the delivery timeout. Used on
 * the connection's event loop only.
 */
final class GracefulClose {
  /**
   * How long after go-away the client's messages already under way may still arrive and be
   * answered.
   */
  static final long GRACE_MS = 250;

  private final Vertx vertx;
  private final OwnerContext owner;
  private final Promise<Void> answered;
  private int unanswered;
  private boolean started;
  private boolean graceOver;

  GracefulClose(Vertx vertx, OwnerContext owner) {
    this.vertx = vertx;
    this.owner = owner;
    this.answered = owner.promise();
  }

  boolean started() {
    return started;
  }

  /** A client message whose answer (ack or error) is still to come. */
  void accepted() {
    owner.check();
    unanswered++;
  }

  void answered() {
    owner.check();
    unanswered--;
    settleIfIdle();
  }

  /**
   * Starts waiting; {@code close} runs once all is answered, or after {@code patienceMs} at the
   * latest.
   */
  void start(long patienceMs, Runnable close) {
    owner.check();
    started = true;
    long giveUp = vertx.setTimer(GRACE_MS + patienceMs, late -> answered.tryComplete());
    vertx.setTimer(
        GRACE_MS,
        over -> {
          graceOver = true;
          settleIfIdle();
        });
    answered
        .future()
        .onComplete(
            done -> {
              vertx.cancelTimer(giveUp);
              close.run();
            });
  }

  private void settleIfIdle() {
    if (started && graceOver && unanswered == 0) {
      answered.tryComplete();
    }
  }
}
