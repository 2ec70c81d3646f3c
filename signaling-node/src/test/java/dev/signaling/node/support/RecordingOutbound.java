package dev.signaling.node.support;

import dev.signaling.node.routing.Outbound;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client connection that records what is written to it and on which thread; writes complete at
 * once, or never when told the client has stopped reading.
 */
public final class RecordingOutbound implements Outbound {
  public final List<String> frames = new CopyOnWriteArrayList<>();
  public final List<String> threads = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Short> closed = new CompletableFuture<>();
  public volatile boolean clientReads = true;

  @Override
  public Future<Void> write(String frame) {
    frames.add(frame);
    threads.add(Thread.currentThread().getName());
    return clientReads ? Future.succeededFuture() : Promise.<Void>promise().future();
  }

  @Override
  public void close(short code, String reason) {
    threads.add(Thread.currentThread().getName());
    closed.complete(code);
  }
}
