package dev.signaling.node.routing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outcomes this node awaits for the deliveries it sent to other nodes, confirmed in one stream
 * per pair of nodes instead of an event-bus reply each. A reply costs the sender a reply handler
 * registered and a timeout timer set and cancelled per frame, and both nodes a message of its own;
 * here a delivery is a numbered {@code send}, the target's node sends the outcomes of what it wrote
 * back in batches ({@link ConfirmationBatches}), and one sweep fails the deliveries not confirmed
 * within the delivery timeout, as the reply's timeout did.
 *
 * <p>Only nodes that said they confirm in stream are sent deliveries this way (see {@link
 * NodeLinks}): a node of an older version, or one whose inbox does not listen yet, is asked with a
 * request and answers with a reply. A node that leaves the cluster is asked with requests again, so
 * that a frame for it fails at once with no handlers, as before, rather than after the timeout.
 *
 * <p>Shared by the node's event loops; each outcome is handed back to the context that sent the
 * delivery.
 */
public final class DeliveryConfirmations {
  /** How often deliveries past their timeout are looked for: the latest a failure is told late. */
  private static final Duration SWEEP = Duration.ofMillis(100);

  private final Vertx vertx;
  private final String nodeId;
  private final long timeoutNanos;
  private final AtomicLong lastSeq = new AtomicLong();
  private final Map<Long, Awaited> awaited = new ConcurrentHashMap<>();
  private final Set<String> streaming = ConcurrentHashMap.newKeySet();

  public DeliveryConfirmations(Vertx vertx, String nodeId, Duration deliveryTimeout) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.timeoutNanos = deliveryTimeout.toNanos();
  }

  /** Listens for confirmations and starts the sweep, which ends with the node's Vert.x. */
  public Future<Void> start() {
    vertx.setPeriodic(SWEEP.toMillis(), tick -> failOverdue());
    var bus = vertx.eventBus();
    return Future.all(
            bus.<Confirmations>consumer(
                    NodeAddresses.confirmations(nodeId), message -> confirm(message.body()))
                .completion(),
            bus.<String>consumer(NodeAddresses.UNLINKED, message -> left(message.body()))
                .completion())
        .mapEmpty();
  }

  /** {@code node}'s inbox confirms in stream, as its answer to this node's link said. */
  public void linked(String node) {
    streaming.add(node);
  }

  /**
   * {@code node} left the cluster, or its inbox stopped: what is still awaited from it is failed by
   * the sweep.
   */
  public void left(String node) {
    streaming.remove(node);
  }

  /** Whether deliveries to {@code node} are confirmed in stream. */
  boolean streamsTo(String node) {
    return streaming.contains(node);
  }

  /**
   * A number for a delivery about to be sent, and its outcome: what the target's {@link
   * LocalDelivery#write} answered, or a {@link ReplyException} of type timeout when no answer came
   * within the delivery timeout. Callbacks run on the calling context.
   */
  Pending expect() {
    long seq = lastSeq.incrementAndGet();
    Promise<Integer> outcome = ((ContextInternal) vertx.getOrCreateContext()).promise();
    awaited.put(seq, new Awaited(outcome, System.nanoTime() + timeoutNanos));
    return new Pending(seq, outcome.future());
  }

  /** How many deliveries are awaiting their outcome: for the tests. */
  int awaiting() {
    return awaited.size();
  }

  private void confirm(Confirmations confirmations) {
    for (int i = 0; i < confirmations.size(); i++) {
      // Absent when the sweep failed it already: the sender has its answer.
      Awaited done = awaited.remove(confirmations.seqs()[i]);
      if (done != null) {
        done.outcome.complete(confirmations.results()[i]);
      }
    }
  }

  private void failOverdue() {
    long now = System.nanoTime();
    awaited.forEach(
        (seq, pending) -> {
          if (now - pending.deadline > 0 && awaited.remove(seq, pending)) {
            pending.outcome.fail(
                new ReplyException(
                    ReplyFailure.TIMEOUT, "no confirmation within the delivery timeout"));
          }
        });
  }

  /** A delivery's number, and its outcome once confirmed. */
  record Pending(long seq, Future<Integer> outcome) {}

  private record Awaited(Promise<Integer> outcome, long deadline) {}
}
