package dev.signaling.node.base;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Hazelcast's asynchronous answers as Vert.x futures that complete on the caller's context.
 *
 * <p>Why not {@code Future.fromCompletionStage(stage, context)} directly: it registers its callback
 * with {@code whenComplete}, which Hazelcast runs on its default async executor. That is the common
 * ForkJoinPool, except where the pool has fewer than two threads (a machine or container with two
 * cores or fewer): there Hazelcast starts a new thread for every callback, one per lookup of the
 * relay path. Here the callback runs on Hazelcast's response thread instead, where it only hands
 * the answer over to the caller's event loop.
 */
public final class CompletionStages {
  private static final Executor ON_RESPONSE_THREAD = Runnable::run;

  private CompletionStages() {}

  /** {@code stage}'s outcome, delivered on the context of the calling thread. */
  public static <T> Future<T> onCallerContext(Vertx vertx, CompletionStage<T> stage) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            answer.completeExceptionally(failure);
          } else {
            answer.complete(value);
          }
        },
        ON_RESPONSE_THREAD);
    return Future.fromCompletionStage(answer, vertx.getOrCreateContext());
  }
}
