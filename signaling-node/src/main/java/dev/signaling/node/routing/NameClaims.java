package dev.signaling.node.routing;

import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.presence.SessionOwners;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a login the one session of its name in the cluster, by a fresh claim or by resuming an
 * earlier session. The presence map orders competing logins: each one takes the name over from the
 * session recorded before it, wherever that one is connected, so exactly the last one survives.
 */
final class NameClaims {
  private static final Logger LOG = LoggerFactory.getLogger(NameClaims.class);
  private static final int REPLACE_ATTEMPTS = 5;

  private final Vertx vertx;
  private final String nodeId;
  private final Presence presence;
  private final LocalSessions sessions;
  private final DeliveryOptions replaceOptions;

  NameClaims(
      Vertx vertx,
      String nodeId,
      Presence presence,
      LocalSessions sessions,
      Duration deliveryTimeout) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.presence = presence;
    this.sessions = sessions;
    this.replaceOptions = new DeliveryOptions().setSendTimeout(deliveryTimeout.toMillis());
  }

  /** A fresh login: completes with the record it replaced, or {@code null}. */
  Future<PresenceRecord> claim(Session session) {
    sessions.register(session);
    return settled(
        session,
        presence.claim(
            session.name(), new PresenceEntry(nodeId, session.id()), session.resumeKey()),
        "replaced");
  }

  /** A login that owns its name; see {@link Router#claimOwned}. */
  Future<PresenceRecord> claimOwned(Session session, String ownerKey) {
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
                replace(session.name(), previous, "replaced");
              }
              return Future.succeededFuture((PresenceRecord) null);
            });
  }

  /**
   * A login with a resume token whose hash is {@code resumeKey}: completes with the record of the
   * session it took over, or {@code null} when there was none to resume (the login is then not
   * recorded: claim it).
   */
  Future<PresenceRecord> resume(Session session, String resumeKey) {
    sessions.register(session);
    Future<PresenceRecord> resumed =
        presence.resume(
            session.name(),
            resumeKey,
            new PresenceEntry(nodeId, session.id()),
            session.resumeKey());
    return settled(session, resumed, "resumed")
        .andThen(
            done -> {
              if (done.succeeded() && done.result() == null) {
                sessions.unregister(session);
              }
            });
  }

  void unregister(Session session) {
    sessions.unregister(session);
  }

  private Future<PresenceRecord> settled(
      Session session, Future<PresenceRecord> taken, String reason) {
    return taken
        .onSuccess(
            previous -> {
              if (previous == null && reason.equals("resumed")) {
                return;
              }
              session.markClaimed();
              // An away session's connection is gone already; only a connected one is closed.
              if (previous != null
                  && !previous.session().equals(session.id())
                  && !previous.isAway()) {
                replace(session.name(), previous.entry(), reason);
              }
            })
        .onFailure(failed -> sessions.unregister(session));
  }

  private void replace(String name, PresenceEntry previous, String reason) {
    if (previous.node().equals(nodeId)) {
      Session older = sessions.find(name, previous.session());
      if (older != null) {
        older.replace(reason);
      }
      return;
    }
    tellNodeToReplace(
        previous.node(),
        new JsonObject().put("name", name).put("session", previous.session()).put("reason", reason),
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
