package dev.signaling.node.session;

import dev.signaling.node.config.Resume;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.rooms.RoomRegistry;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.Router;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a session's connection ends. Without a logout, and with resume on, the user is
 * away: its name, its rooms and the frames sent to it are kept in the cluster for the resume
 * window, and nobody is told it left. Otherwise, and when an away session's window ends or a newer
 * login takes its name, it is gone: its presence and rooms are removed, what was held for it is
 * answered peer-unavailable, and the peers it talked with lately get {@code peer-left}.
 */
public final class Departures {
  private static final Logger LOG = LoggerFactory.getLogger(Departures.class);

  private final Router router;
  private final RoomService rooms;
  private final RoomRegistry roomRegistry;
  private final PeerLeftNotices peerLeft;
  private final Resume resume;
  private final BiConsumer<Set<String>, String> announceGone;

  /**
   * @param announceGone tells every node that users (first argument) are gone, with a reason
   *     (second), so that each tells its own sessions that talked with them
   */
  public Departures(
      Router router,
      RoomService rooms,
      RoomRegistry roomRegistry,
      PeerLeftNotices peerLeft,
      Resume resume,
      BiConsumer<Set<String>, String> announceGone) {
    this.router = router;
    this.rooms = rooms;
    this.roomRegistry = roomRegistry;
    this.peerLeft = peerLeft;
    this.resume = resume;
    this.announceGone = announceGone;
  }

  public boolean resumable() {
    return resume.enabled();
  }

  /** Epoch milliseconds until which a session going away now may be resumed. */
  long awayUntil() {
    return System.currentTimeMillis() + resume.window().toMillis();
  }

  /**
   * The connection of {@code session} ended; {@code claim} is its login's claim on the name, which
   * may still be under way. Called on the session's event loop: the session stops taking frames at
   * once, and is away (frames for it are held) or gone once its claim has settled.
   */
  void connectionEnded(Session session, Future<?> claim) {
    String reason = session.endReason();
    RoomMember member = new RoomMember(session.name(), session.id());
    if (reason.equals("resumed")) {
      // Taken over on another connection, rooms and all: nothing of it is this node's to remove.
      session.markEnded();
      rooms.detach(member);
      claim.onComplete(settled -> router.unregister(session));
      return;
    }
    if (resume.enabled()
        && !session.resumeKey().isEmpty()
        && !reason.equals("logout")
        && !reason.equals("replaced")) {
      session.markAway();
      rooms.detach(member);
      claim.onComplete(
          settled -> {
            if (settled.failed()) {
              router.unregister(session);
              return;
            }
            router
                .goAway(session, awayUntil())
                .onComplete(
                    away -> {
                      if (away.succeeded() && away.result()) {
                        // Held from now on by the presence map itself.
                        router.unregister(session);
                      } else {
                        gone(session, member, true);
                      }
                    });
          });
      return;
    }
    session.markEnded();
    claim.onComplete(settled -> gone(session, member, settled.succeeded()));
  }

  /** The session ends for good: today's disconnect, logout or replacement. */
  private void gone(Session session, RoomMember member, boolean claimed) {
    session.markEnded();
    if (claimed) {
      peerLeft.sessionEnded(session);
    }
    router
        .release(session)
        .onComplete(
            released -> {
              if (released.succeeded() && released.result() != null) {
                answerHeld(released.result());
              } else if (released.failed()) {
                LOG.warn("could not release presence of {}", session.name(), released.cause());
              }
            });
    rooms
        .leaveAll(member)
        .onFailure(failed -> LOG.warn("could not remove {} from its rooms", member.name(), failed));
  }

  /**
   * An away session's window ended, or a newer login took its name ({@code reason}: disconnect,
   * replaced): what the cluster kept of it is removed and its peers are told.
   */
  public void awayEnded(String name, PresenceRecord record, String reason) {
    answerHeld(record);
    for (String room : record.rooms()) {
      roomRegistry
          .leave(room, name, record.session())
          .onFailure(
              failed ->
                  LOG.warn(
                      "could not remove {} from room {} after its window", name, room, failed));
    }
    announceGone.accept(Set.of(name), reason);
  }

  private void answerHeld(PresenceRecord record) {
    if (!record.held().isEmpty()) {
      router.held().answer(record.held(), ErrorCode.PEER_UNAVAILABLE.code());
    }
  }

  /** Ends every away session whose window has ended; completes with how many. */
  public Future<Integer> expireDue() {
    return router
        .expireDue()
        .map(
            records -> {
              records.forEach((name, record) -> awayEnded(name, record, "disconnect"));
              return records.size();
            });
  }
}
