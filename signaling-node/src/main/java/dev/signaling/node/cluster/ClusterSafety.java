package dev.signaling.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Answers "is the cluster safe?" for readiness probes without letting them pile up. Hazelcast's
 * check asks every member and blocks a worker thread; while a member is dying it can hang for
 * minutes. So at most one check runs at a time, probes in between share it, and a probe that would
 * wait longer than {@link #PATIENCE} gets the last answer known instead.
 */
final class ClusterSafety {
  static final Duration PATIENCE = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final Callable<Boolean> check;
  private Future<Boolean> inFlight;
  private volatile boolean lastKnown;

  ClusterSafety(Vertx vertx, Callable<Boolean> check) {
    this.vertx = vertx;
    this.check = check;
  }

  synchronized Future<Boolean> check() {
    Future<Boolean> current = inFlight;
    if (current == null) {
      Future<Boolean> started = vertx.executeBlocking(check, false);
      current = started;
      inFlight = started;
      // May run at once, when the check has already answered: it must not clear a later check's.
      started.onComplete(
          done -> {
            synchronized (this) {
              if (inFlight == started) {
                inFlight = null;
              }
            }
            lastKnown = done.succeeded() && done.result();
          });
    }
    Promise<Boolean> answer = Promise.promise();
    current.onComplete(done -> answer.tryComplete(done.succeeded() && done.result()));
    vertx.setTimer(PATIENCE.toMillis(), late -> answer.tryComplete(lastKnown));
    return answer.future();
  }
}
