package dev.signaling.node.routing;

import dev.signaling.node.base.Refusal;
import dev.signaling.node.presence.HeldMessage;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.presence.PresenceRules;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Delivers a frame to one user's session, wherever it is, and holds it in the cluster when the user
 * is away (its connection ended and it may resume), so that it is delivered after the resume or its
 * sender told when the window ends. Completes with when the frame was written, on this node's clock
 * ({@link System#nanoTime}), as well as that can be told.
 */
final class UserDelivery {
  /** How often a frame follows a user that moved while it was on its way, at most. */
  private static final int MOVES = 3;

  private final String nodeId;
  private final Presence presence;
  private final HeldReplies held;
  private final NodeDeliveries nodes;
  private final NodeDepartures departures;
  private final Detours detours = new Detours();

  /**
   * @param departures whether a node that did not answer died, for users who may resume; {@code
   *     null} when they may not
   */
  UserDelivery(
      String nodeId,
      Presence presence,
      HeldReplies held,
      NodeDeliveries nodes,
      NodeDepartures departures) {
    this.nodeId = nodeId;
    this.presence = presence;
    this.held = held;
    this.nodes = nodes;
    this.departures = departures;
  }

  /**
   * Delivers {@code frame} to the session {@code entry} names; see {@link Router#deliver}. When
   * that session is not there (any more), the entry may have been out of date: the user is looked
   * up again in the presence map, and the frame goes where the user is now.
   */
  Future<Long> deliver(String sender, String target, PresenceEntry entry, String text) {
    // Numbered now, in the order the sender's frames are handed on, in case it is held.
    Detours.Frame frame = new Detours.Frame(text, held.nextRef());
    return deliver(sender, target, entry, frame, MOVES);
  }

  private Future<Long> deliver(
      String sender, String target, PresenceEntry entry, Detours.Frame frame, int movesLeft) {
    if (entry == null) {
      // Not remembered, and the presence map had no entry either: nothing to check again.
      return Future.failedFuture(new Refusal(ErrorCode.PEER_UNAVAILABLE));
    }
    if (entry.away()) {
      return hold(sender, target, entry, frame, movesLeft);
    }
    Future<Long> written = write(sender, target, entry, frame, movesLeft);
    return written.recover(
        failure ->
            isGone(failure) && movesLeft > 0
                ? relocate(sender, target, entry, frame, movesLeft, written)
                : written);
  }

  /** Follows the user to where the presence map says it is now, unless that is where it was. */
  private Future<Long> relocate(
      String sender,
      String target,
      PresenceEntry stale,
      Detours.Frame frame,
      int movesLeft,
      Future<Long> otherwise) {
    return detours.inTurn(
        target, frame, () -> relocateNow(sender, target, stale, frame, movesLeft, otherwise));
  }

  private Future<Long> relocateNow(
      String sender,
      String target,
      PresenceEntry stale,
      Detours.Frame frame,
      int movesLeft,
      Future<Long> otherwise) {
    return presence
        .locateAgain(target)
        .transform(
            fresh -> {
              if (fresh.failed()) {
                // Not delivered where it was sent; where the user is now is not known.
                return Future.failedFuture(Router.presenceUnavailable());
              }
              if (fresh.result() == null || fresh.result().equals(stale)) {
                return otherwise;
              }
              return deliver(sender, target, fresh.result(), frame, movesLeft - 1);
            });
  }

  private Future<Long> write(
      String sender, String target, PresenceEntry entry, Detours.Frame frame, int movesLeft) {
    Delivery.Recipient recipient = new Delivery.Recipient(target, entry.session());
    return nodes
        .deliverTo(entry.node(), sender, frame.text, recipient)
        .transform(
            written -> {
              if (written.succeeded() && written.result().count() == 1) {
                return Future.succeededFuture(written.result().atNanos());
              }
              if (written.succeeded() && written.result().count() == LocalDelivery.AWAY) {
                // Its connection just ended; the user may resume.
                return hold(sender, target, entry, frame, movesLeft);
              }
              Future<Long> failed = explain(written.succeeded() ? null : written.cause());
              if (departures == null || isGone(failed.cause())) {
                return failed;
              }
              // The node did not answer. If it died, it wrote nothing after it stopped answering,
              // and its users are away: hold the frame for the user's resume. If it was only
              // paused, it will not write the frame late either (see NodeInbox).
              return departures
                  .leaves(entry.node())
                  .compose(died -> died ? hold(sender, target, entry, frame, movesLeft) : failed);
            });
  }

  /**
   * Holds {@code frame} for the away session {@code entry} names; completes when its fate is known:
   * delivered after a resume, or peer-unavailable once the window ended or a newer login took the
   * name. A buffer already full answers at once.
   */
  private Future<Long> hold(
      String sender, String target, PresenceEntry entry, Detours.Frame frame, int movesLeft) {
    return detours.inTurn(target, frame, () -> holdNow(sender, target, entry, frame, movesLeft));
  }

  private Future<Long> holdNow(
      String sender, String target, PresenceEntry entry, Detours.Frame frame, int movesLeft) {
    long ref = frame.ref;
    Future<Long> fate = held.expect(ref).map(delivered -> System.nanoTime());
    return presence
        .hold(target, entry.session(), new HeldMessage(frame.text, sender, nodeId, ref))
        .transform(
            outcome -> {
              if (outcome.succeeded() && outcome.result() == PresenceRules.Hold.HELD) {
                frame.placed();
                return fate;
              }
              held.forget(ref);
              if (outcome.failed()) {
                return Future.failedFuture(Router.presenceUnavailable());
              }
              if (outcome.result() == PresenceRules.Hold.FULL) {
                return Future.failedFuture(new Refusal(ErrorCode.BUFFER_FULL));
              }
              // The name moved on: resumed, logged in again, or gone.
              Future<Long> gone = Future.failedFuture(new Refusal(ErrorCode.PEER_UNAVAILABLE));
              return movesLeft > 0 ? relocate(sender, target, entry, frame, movesLeft, gone) : gone;
            });
  }

  private static boolean isGone(Throwable cause) {
    return cause instanceof Refusal refusal && refusal.code() == ErrorCode.PEER_UNAVAILABLE;
  }

  /**
   * Why a delivery to one user failed. When the target's node answered that the session is gone, or
   * no longer listens at all, the user is not there. When it did not answer in time, nobody can
   * say: the frame may still be written (a node that was only paused writes it when it resumes), so
   * the sender is told delivery-failed, "may not have arrived", never peer-unavailable.
   */
  private static <T> Future<T> explain(Throwable cause) {
    boolean gone =
        cause == null
            || cause instanceof ReplyException reply
                && reply.failureType() == ReplyFailure.NO_HANDLERS;
    return Future.failedFuture(
        new Refusal(gone ? ErrorCode.PEER_UNAVAILABLE : ErrorCode.DELIVERY_FAILED));
  }
}
