package dev.signaling.node.routing;

import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.presence.SessionOwners;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers frames to users wherever they are connected, and keeps the presence map in step with the
 * sessions of this node. Frames for sessions on this node are written directly; frames for another
 * node cross the event bus once per node, to that node's {@link NodeInbox}, however many of its
 * sessions they are for.
 */
public final class Router {
  private final Vertx vertx;
  private final String nodeId;
  private final Presence presence;
  private final LocalSessions sessions;
  private final RoomRecipients rooms;
  private final RelayMetrics metrics;
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final int REPLACE_ATTEMPTS = 5;

  private final DeliveryOptions deliveryOptions;
  private final DeliveryOptions replaceOptions;

  public Router(
      Vertx vertx,
      String nodeId,
      Presence presence,
      LocalSessions sessions,
      RoomRecipients rooms,
      RelayMetrics metrics,
      Duration deliveryTimeout) {
    this.vertx = vertx;
    this.rooms = rooms;
    this.metrics = metrics;
    this.nodeId = nodeId;
    this.presence = presence;
    this.sessions = sessions;
    this.deliveryOptions =
        new DeliveryOptions()
            .setSendTimeout(deliveryTimeout.toMillis())
            .setCodecName(DeliveryCodec.NAME);
    this.replaceOptions = new DeliveryOptions().setSendTimeout(deliveryTimeout.toMillis());
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * Makes {@code session} the one session of its name in the cluster. The presence map orders
   * competing logins: each claim replaces the session recorded before it, wherever that one is
   * connected, so exactly the last claim survives.
   */
  public Future<Void> claim(Session session) {
    sessions.register(session);
    return presence
        .claim(session.name(), new PresenceEntry(nodeId, session.id()))
        .onSuccess(
            previous -> {
              session.markClaimed();
              if (previous != null && !previous.session().equals(session.id())) {
                replace(session.name(), previous);
              }
            })
        .onFailure(failed -> sessions.unregister(session))
        .mapEmpty();
  }

  /**
   * Makes {@code session} the one session of its name unless another owner's session holds the
   * name: for logins that own their name (a PeerJS id, held by its client's token), whose session
   * id names the owner (see {@link SessionOwners}). An older session of the same owner is replaced,
   * as {@link #claim} replaces any; another owner's is left alone, and the claim fails with
   * name-taken.
   */
  public Future<Void> claimOwned(Session session, String ownerKey) {
    sessions.register(session);
    return presence
        .claimOwned(session.name(), new PresenceEntry(nodeId, session.id()), ownerKey)
        .transform(
            held -> {
              PresenceEntry previous = held.result();
              if (held.failed()
                  || previous != null && !SessionOwners.ownedBy(previous.session(), ownerKey)) {
                sessions.unregister(session);
                return held.failed()
                    ? Future.failedFuture(held.cause())
                    : Future.failedFuture(new Refusal(ErrorCode.NAME_TAKEN));
              }
              session.markClaimed();
              if (previous != null && !previous.session().equals(session.id())) {
                replace(session.name(), previous);
              }
              return Future.succeededFuture();
            });
  }

  /**
   * Names online cluster-wide that start with {@code prefix}, at most {@code limit}: a scan, for
   * rare listings only.
   */
  public Future<List<String>> namesStartingWith(String prefix, int limit) {
    return presence.namesStartingWith(prefix, limit);
  }

  /** Forgets {@code session}, leaving a newer session of the same name untouched. */
  public Future<Boolean> release(Session session) {
    sessions.unregister(session);
    return presence.release(session.name(), session.id());
  }

  public RelayMetrics metrics() {
    return metrics;
  }

  /** The relays of {@code sender}, made on its event loop: the calling one. */
  public Relays relaysFor(Session sender) {
    return new Relays(this, rooms, metrics, sender);
  }

  /**
   * Where {@code target} is connected, the lookup a relay to a user starts with: from what this
   * node learnt lately when it can, so possibly out of date; {@link #deliver} checks it. Fails with
   * server-unavailable when the presence map does not answer within the delivery timeout: the frame
   * is then known not to be delivered.
   */
  public Future<PresenceEntry> locate(String target) {
    return presence.locate(target).recover(Router::presenceUnavailable);
  }

  private static Future<PresenceEntry> presenceUnavailable(Throwable failure) {
    return Future.failedFuture(
        new Refusal(
            ErrorCode.SERVER_UNAVAILABLE,
            "Could not look up where the target is in time; the message was not delivered."));
  }

  /**
   * Delivers {@code frame} to the session {@code entry} names. Completes once the frame is written
   * to the target's socket; fails with a {@link Refusal}. When that session is not there (any
   * more), the entry may have been out of date: the user is looked up again in the presence map,
   * and the frame delivered there if it is connected elsewhere now.
   */
  public Future<Void> deliver(String sender, String target, PresenceEntry entry, String frame) {
    if (entry == null) {
      // Not remembered, and the presence map had no entry either: nothing to check again.
      return Future.failedFuture(new Refusal(ErrorCode.PEER_UNAVAILABLE));
    }
    Future<Void> delivered = deliverTo(sender, target, entry, frame);
    return delivered.recover(
        failure -> {
          if (!isGone(failure)) {
            return delivered;
          }
          return presence
              .locateAgain(target)
              .transform(
                  fresh -> {
                    if (fresh.failed()) {
                      // Not delivered where it was sent; where the user is now is not known.
                      return presenceUnavailable(fresh.cause()).mapEmpty();
                    }
                    if (fresh.result() == null || fresh.result().equals(entry)) {
                      return delivered;
                    }
                    return deliverTo(sender, target, fresh.result(), frame);
                  });
        });
  }

  private Future<Void> deliverTo(String sender, String target, PresenceEntry entry, String frame) {
    List<Delivery.Recipient> recipient = List.of(new Delivery.Recipient(target, entry.session()));
    return deliverOnNode(entry.node(), sender, frame, recipient)
        .transform(
            written -> {
              if (written.succeeded() && written.result() == 1) {
                return Future.succeededFuture();
              }
              return explain(written.succeeded() ? null : written.cause());
            });
  }

  private static boolean isGone(Throwable cause) {
    return cause instanceof Refusal refusal && refusal.code() == ErrorCode.PEER_UNAVAILABLE;
  }

  /**
   * Delivers {@code frame} to every member of a room but {@code sender}: once per node that holds
   * members. Completes with how many members it was written to.
   */
  public Future<Integer> broadcast(
      Map<String, PresenceEntry> members, String sender, String frame) {
    Map<String, List<Delivery.Recipient>> byNode = new HashMap<>();
    members.forEach(
        (name, entry) -> {
          if (!name.equals(sender)) {
            byNode
                .computeIfAbsent(entry.node(), node -> new ArrayList<>())
                .add(new Delivery.Recipient(name, entry.session()));
          }
        });
    List<Future<Integer>> perNode = new ArrayList<>(byNode.size());
    // A node that fails to answer counts as reaching none of its members; the sender learns the
    // count. Room messages are not remembered as conversations: rooms announce departures
    // themselves.
    byNode.forEach(
        (node, recipients) -> perNode.add(deliverOnNode(node, "", frame, recipients).otherwise(0)));
    return Future.join(perNode)
        .transform(
            all -> {
              int total = 0;
              for (Future<Integer> count : perNode) {
                total += count.result();
              }
              return Future.succeededFuture(total);
            });
  }

  /** Sends a server notice to a user wherever it is; failures are of no interest to anyone. */
  public void notify(String target, String frame) {
    presence
        .lookup(target)
        .onSuccess(
            entry -> {
              if (entry != null) {
                deliverOnNode(
                    entry.node(),
                    "",
                    frame,
                    List.of(new Delivery.Recipient(target, entry.session())));
              }
            });
  }

  private Future<Integer> deliverOnNode(
      String node, String sender, String frame, List<Delivery.Recipient> recipients) {
    if (node.equals(nodeId)) {
      return LocalDelivery.write(sessions, sender, frame, recipients);
    }
    return vertx
        .eventBus()
        .<Integer>request(
            NodeAddresses.deliver(node), new Delivery(sender, frame, recipients), deliveryOptions)
        .map(reply -> reply.body());
  }

  /**
   * Why a delivery to one user failed. When the target's node answered that the session is gone, or
   * no longer listens at all, the user is not there. When it did not answer in time, nobody can
   * say: the frame may still be written (a node that was only paused writes it when it resumes), so
   * the sender is told delivery-failed, "may not have arrived", never peer-unavailable.
   */
  private static Future<Void> explain(Throwable cause) {
    boolean gone =
        cause == null
            || cause instanceof ReplyException reply
                && reply.failureType() == ReplyFailure.NO_HANDLERS;
    return Future.failedFuture(
        new Refusal(gone ? ErrorCode.PEER_UNAVAILABLE : ErrorCode.DELIVERY_FAILED));
  }

  private void replace(String name, PresenceEntry previous) {
    if (previous.node().equals(nodeId)) {
      Session older = sessions.find(name, previous.session());
      if (older != null) {
        older.replace();
      }
      return;
    }
    tellNodeToReplace(
        previous.node(),
        new JsonObject().put("name", name).put("session", previous.session()),
        REPLACE_ATTEMPTS);
  }

  /**
   * Asks the node holding an older session to end it, until it confirms: an older session left open
   * could go on sending under the name. Gives up only when the node is gone, and with it the
   * session.
   */
  private void tellNodeToReplace(String node, JsonObject older, int attemptsLeft) {
    vertx
        .eventBus()
        .request(NodeAddresses.replace(node), older, replaceOptions)
        .onFailure(
            failed -> {
              boolean nodeGone =
                  failed instanceof ReplyException reply
                      && reply.failureType() == ReplyFailure.NO_HANDLERS;
              if (!nodeGone && attemptsLeft > 1) {
                tellNodeToReplace(node, older, attemptsLeft - 1);
              } else if (!nodeGone) {
                LOG.warn(
                    "node {} did not confirm replacing an older session of {}",
                    node,
                    older.getString("name"));
              }
            });
  }
}
