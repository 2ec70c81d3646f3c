package dev.signaling.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.support.EventLoops;
import dev.signaling.node.support.RecordingOutbound;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A session as the rest of the node uses it: from its own event loop and from others. */
class SessionTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final List<Context> loops = EventLoops.distinct(vertx, 2);
  private final Context own = loops.get(0);
  private final Context other = loops.get(1);
  private final RecordingOutbound out = new RecordingOutbound();
  private final Session session = new Session("bob", "s1", out, OwnerContext.of(own), 100, "");
  private final String ownThread = on(own, () -> Thread.currentThread().getName());

  @AfterEach
  void closeVertx() {
    vertx.close();
  }

  private static <T> T on(Context context, Supplier<T> step) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(
        ignored -> {
          try {
            done.complete(step.get());
          } catch (Throwable failed) {
            done.completeExceptionally(failed);
          }
        });
    return done.orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDeliveryFromAnotherEventLoopIsWrittenOnTheSessionsLoopAndAnsweredOnTheCallers()
      throws Exception {
    on(own, () -> session.open("login-ok"));
    CompletableFuture<Boolean> answeredOnCaller = new CompletableFuture<>();

    on(
        other,
        () ->
            session
                .deliver("offer", "alice")
                .onComplete(
                    done ->
                        answeredOnCaller.complete(
                            done.succeeded() && Vertx.currentContext() == other)));

    assertThat(answeredOnCaller.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(out.frames).containsExactly("login-ok", "offer");
    assertThat(out.threads).containsOnly(ownThread);
    assertThat(on(own, () -> session.peersWithin(Duration.ofMinutes(1)))).containsExactly("alice");
  }

  @Test
  void framesDeliveredBeforeLoginOkAreWrittenAfterIt() throws Exception {
    Future<Void> early = on(other, () -> session.deliver("early", "alice"));
    on(own, () -> session.open("login-ok"));

    await(early);
    assertThat(out.frames).containsExactly("login-ok", "early");
  }

  @Test
  void aReplacementFromAnyThreadIsWrittenOnTheSessionsLoopThenCloses() throws Exception {
    on(own, () -> session.open("login-ok"));

    session.replace();

    assertThat(out.closed.get(10, TimeUnit.SECONDS)).isEqualTo(Session.POLICY_VIOLATION);
    assertThat(out.frames.get(1)).contains("session-replaced");
    assertThat(out.threads).containsOnly(ownThread);
    assertThat(session.isEnded()).isTrue();
    Future<Void> late = on(other, () -> session.deliver("late", "alice"));
    assertThat(late.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void aClientThatLetsFramesPileUpUnreadIsClosedAndLaterFramesAreRefused() throws Exception {
    on(own, () -> session.open("login-ok"));
    out.clientReads = false;

    for (int i = 0; i < 4; i++) {
      on(other, () -> session.deliver("x".repeat(30), "alice"));
    }

    assertThat(out.closed.get(10, TimeUnit.SECONDS)).isEqualTo(Session.POLICY_VIOLATION);
    assertThat(on(own, session::endReason)).isEqualTo("too-slow");
    // 3 frames of 30 fit in 100 characters; the fourth would not.
    assertThat(out.frames).hasSize(1 + 3);
  }
}
