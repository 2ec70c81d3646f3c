package dev.signaling.node.routing;

import dev.signaling.node.base.OwnerContext;
import dev.signaling.node.base.Refusal;
import dev.signaling.protocol.ClientMessage;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;

/**
 * Relays one sender's messages, to a user wherever it is connected or to a room's members, in the
 * order the sender sent them wherever two of them may meet (see {@link RelayQueue}), and counts
 * them in the relay metrics. One per logged-in session, made on its event loop, where its results
 * complete.
 */
public final class Relays {
  private final Router router;
  private final RoomRecipients rooms;
  private final RelayMetrics metrics;
  private final RelayQueue queue;
  private final Session sender;

  Relays(Router router, RoomRecipients rooms, RelayMetrics metrics, Session sender) {
    this.router = router;
    this.rooms = rooms;
    this.metrics = metrics;
    this.sender = sender;
    this.queue = new RelayQueue(OwnerContext.ofCaller());
  }

  /**
   * Delivers {@code relay} to its target, with the sender's name put in; completes once it is
   * written to the target's connection, or fails with a {@link Refusal} saying why it was not (or
   * may not have been).
   */
  public Future<Void> toUser(ClientMessage.Relay relay) {
    return toUser(relay.type(), relay.target(), relay.framedFrom(sender.name()));
  }

  /**
   * Delivers {@code frame} as it is to {@code target}, in order with the sender's other messages:
   * for adapters of foreign wire protocols, which build the frame their target reads (with the
   * sender in it) and may name targets that native clients cannot. {@code type} is the message's
   * type, for the metrics only.
   */
  public Future<Void> toUser(String type, String target, String frame) {
    long received = System.nanoTime();
    RelayMetrics.Family family = RelayMetrics.Family.of(type);
    boolean[] remote = new boolean[1];
    return queue
        .toUser(
            target,
            () -> router.locate(target),
            entry -> {
              remote[0] = entry != null && !entry.node().equals(router.nodeId());
              return router.deliver(sender.name(), target, entry, frame);
            })
        .transform(
            done -> {
              if (done.succeeded()) {
                sender.talkedWith(target);
                metrics.delivered(family, remote[0], done.result() - received);
                return Future.succeededFuture();
              }
              metrics.undelivered(family, codeOf(done.cause()));
              return Future.failedFuture(done.cause());
            });
  }

  /**
   * Delivers {@code relay} to every other member of its room; completes with how many it was
   * written to, or fails with a {@link Refusal} (not-in-room).
   */
  public Future<Integer> toRoom(ClientMessage.RoomRelay relay) {
    String frame = relay.framedFrom(sender.name());
    return queue
        .toRoom(
            relay.room(),
            () -> rooms.of(sender.name(), sender.id(), relay.room()),
            members -> router.broadcast(members, sender.name(), frame))
        .andThen(
            done -> {
              if (done.succeeded()) {
                metrics.roomMessage(done.result());
              } else {
                metrics.rejected(codeOf(done.cause()));
              }
            });
  }

  private static ErrorCode codeOf(Throwable failure) {
    return failure instanceof Refusal refusal ? refusal.code() : ErrorCode.INTERNAL_ERROR;
  }
}
