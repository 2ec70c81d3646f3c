package dev.signaling.node.routing;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the event-bus path to each other node before a user's frame needs it. The first frame from
 * one node to another waits for the lookup of the target's address in the cluster and for a TCP
 * connection to be set up: with five nodes on one busy machine, over a second and a half for the
 * first frame of every pair of nodes ({@code FiveNodeMeshIT}), enough on a slower day to end as
 * {@code delivery-failed} although it arrives. An empty delivery to each node's inbox, when this
 * node starts and when a member joins, pays that cost ahead of the users. Its answer also says
 * whether that node confirms streamed frames in batches (see {@link DeliveryStreams}).
 */
public final class NodeLinks {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinks.class);

  /** A joining node's inbox may not listen yet when its membership is announced: try again. */
  private static final Duration RETRY = Duration.ofMillis(250);

  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final String nodeId;
  private final Predicate<String> isMember;
  private final DeliveryOptions options;
  private final DeliveryStreams streams;

  /**
   * @param isMember whether a node is still a member: a node that left is not tried again
   * @param streams told which nodes answer that they confirm streamed frames in batches
   */
  public NodeLinks(
      Vertx vertx, String nodeId, Predicate<String> isMember, DeliveryStreams streams) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.isMember = isMember;
    this.streams = streams;
    this.options =
        new DeliveryOptions().setSendTimeout(RETRY.toMillis() * 8).setCodecName(DeliveryCodec.NAME);
  }

  /** Links to every node of {@code members} but this one. */
  public void linkAll(Set<String> members) {
    members.stream().filter(node -> !node.equals(nodeId)).forEach(this::link);
  }

  /** Links to {@code node}, trying again until its inbox answers, it leaves, or a minute passes. */
  public void link(String node) {
    if (!node.equals(nodeId)) {
      long started = System.nanoTime();
      attempt(node, started, started + GIVE_UP_AFTER.toNanos());
    }
  }

  private void attempt(String node, long started, long deadline) {
    Delivery empty = new Delivery(nodeId, "", List.of(), System.currentTimeMillis());
    vertx
        .eventBus()
        .request(NodeAddresses.deliver(node), empty, options)
        .onComplete(
            answered -> {
              long millis = (System.nanoTime() - started) / 1_000_000;
              if (answered.succeeded()) {
                boolean batches =
                    Integer.valueOf(DeliveryStreams.CONFIRMS_IN_BATCHES)
                        .equals(answered.result().body());
                if (batches) {
                  streams.confirmsInBatches(node);
                }
                LOG.info(
                    "event-bus link to node {} open after {} ms{}",
                    node,
                    millis,
                    batches ? "; it confirms streamed frames in batches" : "");
              } else if (!isMember.test(node)) {
                LOG.debug("node {} left before its event-bus link opened", node);
              } else if (System.nanoTime() > deadline) {
                LOG.warn(
                    "no event-bus link to node {} after {} ms; the first frames to it will open it",
                    node,
                    millis,
                    answered.cause());
              } else {
                vertx.setTimer(RETRY.toMillis(), retry -> attempt(node, started, deadline));
              }
            });
  }
}
