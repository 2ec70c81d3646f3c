package dev.signaling.node.routing;

import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers frames to users wherever they are connected, and keeps the presence map in step with the
 * sessions of this node. Frames for sessions on this node are written directly; frames for another
 * node cross the event bus once per node, to that node's {@link NodeInbox}, however many of its
 * sessions they are for. Frames for a user who is away are held in the cluster until it resumes or
 * its window ends.
 */
public final class Router {
  private final String nodeId;
  private final Presence presence;
  private final RoomRecipients rooms;
  private final RelayMetrics metrics;
  private final HeldReplies held;
  private final NameClaims claims;
  private final NodeDeliveries nodes;
  private final UserDelivery users;

  public Router(
      Vertx vertx,
      String nodeId,
      Presence presence,
      LocalSessions sessions,
      RoomRecipients rooms,
      RelayMetrics metrics,
      HeldReplies held,
      DeliveryStreams streams,
      NodeDepartures departures,
      Duration deliveryTimeout) {
    this.nodeId = nodeId;
    this.presence = presence;
    this.rooms = rooms;
    this.metrics = metrics;
    this.held = held;
    this.claims = new NameClaims(vertx, nodeId, presence, sessions, deliveryTimeout);
    this.nodes = new NodeDeliveries(vertx, nodeId, sessions, deliveryTimeout, streams);
    this.users = new UserDelivery(nodeId, presence, held, nodes, departures);
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * Makes {@code session} the one session of its name unless another owner's session holds the
   * name: for logins that own their name (a PeerJS id, held by its client's token), whose session
   * id names the owner (see {@link SessionOwners}). An older session of the same owner is replaced,
   * as {@link #claim} replaces any; another owner's is left alone, and the claim fails with
   * name-taken.
   */
  public Future<PresenceRecord> claimOwned(Session session, String ownerKey) {
    return claims.claimOwned(session, ownerKey);
  }

  /**
   * Names online cluster-wide that start with {@code prefix}, at most {@code limit}: a scan, for
   * rare listings only.
   */
  public Future<List<String>> namesStartingWith(String prefix, int limit) {
    return presence.namesStartingWith(prefix, limit);
  }

  public RelayMetrics metrics() {
    return metrics;
  }

  /** Where the outcomes of frames held for away users are told to their senders. */
  public HeldReplies held() {
    return held;
  }

  /**
   * Makes {@code session} the one session of its name in the cluster: a connected session of the
   * name, wherever it is, is told it was replaced. Completes with the record it took the name from
   * (an away one is the caller's to end), or {@code null}.
   */
  public Future<PresenceRecord> claim(Session session) {
    return claims.claim(session);
  }

  /**
   * Makes {@code session} take over the session whose resume token hashes to {@code resumeKey}:
   * completes with that session's record (its rooms, and the frames held for it, which are now
   * {@code session}'s to write), or {@code null} when there is none to resume.
   */
  public Future<PresenceRecord> resume(Session session, String resumeKey) {
    return claims.resume(session, resumeKey);
  }

  /**
   * Gives {@code session}'s name up, leaving a newer session of the same name untouched. Completes
   * with the record removed, or {@code null}.
   */
  public Future<PresenceRecord> release(Session session) {
    return presence.release(session.name(), session.id()).andThen(done -> unregister(session));
  }

  /** Keeps {@code session}'s name for it, away, until {@code awayUntil} (epoch ms). */
  public Future<Boolean> goAway(Session session, long awayUntil) {
    return presence.goAway(session.name(), session.id(), awayUntil);
  }

  /** Removes every away session whose window has ended; completes with their records by name. */
  public Future<Map<String, PresenceRecord>> expireDue() {
    return presence.expireDue();
  }

  /** This node no longer holds {@code session}; its presence is decided elsewhere. */
  public void unregister(Session session) {
    claims.unregister(session);
  }

  /** Records in {@code session}'s presence that it joined ({@code in}) or left {@code room}. */
  public Future<Boolean> noteRoom(Session session, String room, boolean in) {
    return presence.room(session.name(), session.id(), room, in);
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
    return presence.locate(target).recover(failed -> Future.failedFuture(presenceUnavailable()));
  }

  static Refusal presenceUnavailable() {
    return new Refusal(
        ErrorCode.SERVER_UNAVAILABLE,
        "Could not look up where the target is in time; the message was not delivered.");
  }

  /**
   * Delivers {@code frame} to the session {@code entry} names. Completes once the frame is written
   * to the target's connection, or, for a user who is away, once it was written after the user
   * resumed; fails with a {@link Refusal}. When that session is not there (any more), the entry may
   * have been out of date: the user is looked up again, and the frame goes where the user is now.
   * Completes with when the frame was written, on this node's clock ({@link System#nanoTime}).
   */
  public Future<Long> deliver(String sender, String target, PresenceEntry entry, String frame) {
    return users.deliver(sender, target, entry, frame);
  }

  /**
   * Delivers {@code frame} to every member of a room but {@code sender}: once per node that holds
   * members. Completes with how many members it was written to; members who are away are not
   * counted (room messages are not held).
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
        (node, recipients) ->
            perNode.add(
                nodes
                    .deliver(node, "", frame, recipients)
                    .map(count -> Math.max(0, count))
                    .otherwise(0)));
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
              if (entry != null && !entry.away()) {
                nodes.deliver(
                    entry.node(),
                    "",
                    frame,
                    List.of(new Delivery.Recipient(target, entry.session())));
              }
            });
  }
}
