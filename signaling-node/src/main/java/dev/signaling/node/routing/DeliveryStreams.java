package dev.signaling.node.routing;

import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A node's frames to users on other nodes, sent without a reply each: every event loop of this node
 * has one {@link StreamedSends}, and the target node confirms what it made of them in batches, at
 * most {@code CONFIRM_BATCH_MS} after the write. A reply per frame is a second event-bus message, a
 * reply address, a reply handler and a timer per frame; the node spent a third of its CPU on them.
 * The price is that an ack may come that much later; a failure to write is confirmed at once.
 *
 * <p>Only to nodes that said they confirm in batches (see {@link NodeLinks}): a node of the version
 * before streams, or one with {@code CONFIRM_BATCH_MS=0}, would never confirm, and is asked by
 * request as before.
 */
public final class DeliveryStreams {
  /** What an inbox that confirms in batches answers to an empty delivery. */
  static final int CONFIRMS_IN_BATCHES = -100;

  private final Vertx vertx;
  private final String nodeId;
  private final long timeoutMs;
  private final long batchMs;
  private final Set<String> confirming = ConcurrentHashMap.newKeySet();
  private final Map<EventLoop, StreamedSends> byLoop = new ConcurrentHashMap<>();
  private final Map<EventLoop, StreamConfirmer> confirmers = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<StreamedSends> byId = new CopyOnWriteArrayList<>();
  private final LongAdder streamed = new LongAdder();
  private final LongAdder[] unconfirmed = new LongAdder[Unconfirmed.values().length];

  /** Why a streamed frame's outcome is not known, so that it failed as delivery-failed. */
  enum Unconfirmed {
    /** No batch confirmed it within the delivery timeout. */
    TIMEOUT,
    /** It reached the target's node after the delivery timeout, and was not written. */
    LATE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param batch how long this node's inbox may hold a confirmation to share its batch with others;
   *     zero: it confirms each frame by reply, and this node streams to no node either
   */
  public DeliveryStreams(Vertx vertx, String nodeId, Duration deliveryTimeout, Duration batch) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.timeoutMs = deliveryTimeout.toMillis();
    this.batchMs = batch.toMillis();
    for (int i = 0; i < unconfirmed.length; i++) {
      unconfirmed[i] = new LongAdder();
    }
  }

  /** Publishes how many frames went in streams, and how many of them stayed unconfirmed. */
  public void countIn(MeterRegistry registry) {
    FunctionCounter.builder(Metrics.PREFIX + "streamed_frames", streamed, LongAdder::sum)
        .description("Messages to users on other nodes sent without a reply each")
        .register(registry);
    for (Unconfirmed reason : Unconfirmed.values()) {
      FunctionCounter.builder(
              Metrics.PREFIX + "streamed_unconfirmed",
              unconfirmed[reason.ordinal()],
              LongAdder::sum)
          .description("Streamed messages whose outcome never came back, by reason")
          .tag("reason", reason.tag())
          .register(registry);
    }
  }

  void unconfirmed(Unconfirmed reason) {
    unconfirmed[reason.ordinal()].increment();
  }

  /** How long this node's inbox may hold a confirmation; zero when it confirms by reply. */
  long batchMs() {
    return batchMs;
  }

  /** The confirmer of {@code loop}'s event loop, for outcomes that became known on it. */
  StreamConfirmer confirmerOf(ContextInternal loop) {
    return confirmers.computeIfAbsent(
        loop.nettyEventLoop(), ignored -> new StreamConfirmer(vertx, nodeId, batchMs));
  }

  /** {@code node}'s inbox confirms streamed frames in batches. */
  void confirmsInBatches(String node) {
    confirming.add(node);
  }

  /**
   * {@code node} left the cluster: frames for it go by request again, whose failure the event bus
   * reports at once when nobody listens there any more, instead of waiting out the timeout. Any
   * thread.
   */
  public void forget(String node) {
    confirming.remove(node);
  }

  /**
   * The calling event loop's stream to {@code node}, or {@code null} when frames to it go by
   * request: it does not confirm in batches, or the caller is not one of this node's event loops.
   */
  StreamedSends streamTo(String node) {
    if (batchMs == 0 || !confirming.contains(node)) {
      return null;
    }
    ContextInternal current = ContextInternal.current();
    if (current == null
        || !current.isEventLoopContext()
        || current.owner() != vertx
        || !current.inThread()) {
      return null;
    }
    StreamedSends stream = byLoop.get(current.nettyEventLoop());
    return stream != null ? stream : open(current);
  }

  /** Counts a frame sent in a stream. */
  void sentInStream() {
    streamed.increment();
  }

  /** How many frames this node sent in streams so far. */
  long streamedFrames() {
    return streamed.sum();
  }

  private synchronized StreamedSends open(ContextInternal current) {
    StreamedSends stream = byLoop.get(current.nettyEventLoop());
    if (stream == null) {
      stream = new StreamedSends(vertx, nodeId, byId.size(), current.unwrap(), timeoutMs, this);
      byId.add(stream);
      byLoop.put(current.nettyEventLoop(), stream);
    }
    return stream;
  }

  /** A batch from another node, handed to its stream's event loop; any thread. */
  void confirmed(Buffer body) {
    Confirmation batch = Confirmation.from(body);
    String node = batch.node();
    if (batch.stream() >= 0 && batch.stream() < byId.size()) {
      StreamedSends stream = byId.get(batch.stream());
      if (stream.eventLoop().inEventLoop()) {
        stream.confirmed(node, batch);
      } else {
        stream.onLoop(() -> stream.confirmed(node, batch));
      }
    }
  }
}
