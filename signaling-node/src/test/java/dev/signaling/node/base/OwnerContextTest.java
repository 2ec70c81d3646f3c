package dev.signaling.node.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.support.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OwnerContextTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final List<Context> loops = EventLoops.distinct(vertx, 2);
  private final Context own = loops.get(0);
  private final Context other = loops.get(1);

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  @Test
  void touchingStateOffItsOwnersLoopFailsLoudly() throws Exception {
    OwnerContext owner = OwnerContext.of(own);
    CompletableFuture<Throwable> onOwner = new CompletableFuture<>();
    CompletableFuture<Throwable> elsewhere = new CompletableFuture<>();

    own.runOnContext(ignored -> onOwner.complete(attempt(owner)));
    other.runOnContext(ignored -> elsewhere.complete(attempt(owner)));

    assertThat(onOwner.get(10, TimeUnit.SECONDS)).isNull();
    Throwable violation = elsewhere.get(10, TimeUnit.SECONDS);
    assertThat(violation)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("touched on");
    assertThat(OwnerContext.violations()).contains((IllegalStateException) violation);
    OwnerContext.forget((IllegalStateException) violation);
  }

  @Test
  void anAdoptedResultArrivesOnTheOwnerWhicheverThreadCompletesIt() throws Exception {
    OwnerContext owner = OwnerContext.of(own);
    Promise<String> elsewhere = Promise.promise();
    CompletableFuture<Boolean> onOwner = new CompletableFuture<>();

    own.runOnContext(
        ignored ->
            owner
                .adopt(elsewhere.future())
                .onComplete(
                    done -> onOwner.complete(owner.isCurrent() && "done".equals(done.result()))));
    other.runOnContext(ignored -> elsewhere.complete("done"));

    assertThat(onOwner.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anActionHandedToTheOwnerFromAnotherLoopRunsWithTheOwnerAsItsContext() throws Exception {
    // A login handed to its HTTP session's loop builds the session's relays, which take the
    // calling context as their owner: without one, the login failed.
    OwnerContext owner = OwnerContext.of(own);
    CompletableFuture<Boolean> ownerIsCurrent = new CompletableFuture<>();

    other.runOnContext(
        ignored ->
            owner.run(() -> ownerIsCurrent.complete(OwnerContext.ofCaller().context() == own)));

    assertThat(ownerIsCurrent.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aResultAlreadyOnTheOwnerIsNotWrappedAgain() throws Exception {
    CompletableFuture<Boolean> same = new CompletableFuture<>();
    own.runOnContext(
        ignored -> {
          Future<String> done = Future.succeededFuture("done");
          same.complete(OwnerContext.ofCaller().adopt(done) == done);
        });

    assertThat(same.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private static Throwable attempt(OwnerContext owner) {
    try {
      owner.check();
      return null;
    } catch (IllegalStateException violation) {
      return violation;
    }
  }
}
