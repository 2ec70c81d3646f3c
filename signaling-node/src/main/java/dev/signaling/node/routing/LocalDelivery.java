package dev.signaling.node.routing;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Writes a frame to sessions of this node; used for local targets and for deliveries from other
 * nodes. Results complete on the caller's context, whichever event loops the sessions are on.
 */
final class LocalDelivery {
  /**
   * The answer for one recipient whose session is away: the frame was not written, and is to be
   * held for the session (see {@code Router}).
   */
  static final int AWAY = -1;

  private LocalDelivery() {}

  /**
   * Completes with how many of the recipients had a live session that the frame was written to; for
   * a single recipient whose session is away, with {@link #AWAY}.
   */
  static Future<Integer> write(
      LocalSessions sessions, String sender, String frame, List<Delivery.Recipient> recipients) {
    if (recipients.size() == 1) {
      Delivery.Recipient only = recipients.get(0);
      Session session = sessions.find(only.name(), only.session());
      if (session == null) {
        return Future.succeededFuture(
            sessions.findAway(only.name(), only.session()) != null ? AWAY : 0);
      }
      return session
          .deliver(frame, sender)
          .transform(written -> Future.succeededFuture(countOf(written)));
    }
    List<Future<Boolean>> writes = new ArrayList<>(recipients.size());
    for (Delivery.Recipient recipient : recipients) {
      writes.add(write(sessions.find(recipient.name(), recipient.session()), sender, frame));
    }
    return Future.join(writes)
        .transform(
            all -> {
              int written = 0;
              for (Future<Boolean> write : writes) {
                if (write.result()) {
                  written++;
                }
              }
              return Future.succeededFuture(written);
            });
  }

  /**
   * Writes {@code frame} to one recipient, as {@link #write} does, and hands the count to {@code
   * outcome} on the event loop where it is known, without a hop back to the caller's: the session's
   * own loop, or the caller's when the session is not here.
   */
  static void writeThen(
      LocalSessions sessions,
      String sender,
      String frame,
      Delivery.Recipient recipient,
      IntConsumer outcome) {
    Session session = sessions.find(recipient.name(), recipient.session());
    if (session == null) {
      outcome.accept(sessions.findAway(recipient.name(), recipient.session()) != null ? AWAY : 0);
      return;
    }
    session.deliverThen(frame, sender, written -> outcome.accept(countOf(written)));
  }

  private static int countOf(AsyncResult<Void> written) {
    return written.succeeded()
        ? 1
        : written.cause() instanceof Session.SessionAwayException ? AWAY : 0;
  }

  private static Future<Boolean> write(Session session, String sender, String frame) {
    if (session == null) {
      return Future.succeededFuture(false);
    }
    return session
        .deliver(frame, sender)
        .transform(written -> Future.succeededFuture(written.succeeded()));
  }
}
