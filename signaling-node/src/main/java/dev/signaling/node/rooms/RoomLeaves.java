package dev.signaling.node.rooms;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes this node's members out of the registry's rooms. A leave that never lands would keep a
 * ghost member for as long as this node lives, so each is tried a few times at once, then now and
 * then in the background.
 */
final class RoomLeaves {
  private static final Logger LOG = LoggerFactory.getLogger(RoomLeaves.class);
  private static final int ATTEMPTS = 3;
  private static final int BACKGROUND_ATTEMPTS = 12;
  private static final Duration BACKGROUND_DELAY = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final RoomRegistry registry;

  RoomLeaves(Vertx vertx, RoomRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
  }

  /** Completes with whether the member was in the room; fails when the store did not answer. */
  Future<Boolean> leave(String room, RoomMember session) {
    return leave(room, session, ATTEMPTS);
  }

  private Future<Boolean> leave(String room, RoomMember session, int attemptsLeft) {
    return registry
        .leave(room, session.name(), session.sessionId())
        .recover(
            failed -> {
              if (attemptsLeft > 1) {
                return leave(room, session, attemptsLeft - 1);
              }
              retryLater(room, session, BACKGROUND_ATTEMPTS);
              return Future.failedFuture(failed);
            });
  }

  /**
   * Goes on trying a leave the store did not record, now and then, so that no ghost stays for long.
   */
  private void retryLater(String room, RoomMember session, int attemptsLeft) {
    vertx.setTimer(
        BACKGROUND_DELAY.toMillis(),
        fired ->
            registry
                .leave(room, session.name(), session.sessionId())
                .onFailure(
                    failed -> {
                      if (attemptsLeft > 1) {
                        retryLater(room, session, attemptsLeft - 1);
                      } else {
                        LOG.warn(
                            "could not remove {} from room {}; the room may list it until this node stops",
                            session.name(),
                            room,
                            failed);
                      }
                    }));
  }
}
