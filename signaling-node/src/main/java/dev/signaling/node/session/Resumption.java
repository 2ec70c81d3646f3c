package dev.signaling.node.session;

import dev.signaling.node.presence.HeldMessage;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.rooms.RoomService;
import dev.signaling.node.routing.HeldReplies;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a session that took over an earlier one of its user: the login answer, then every frame
 * held for the earlier one while it was away, oldest first, before anything newer; their senders
 * learn they were delivered. The session is then in the earlier one's rooms, as it was, and the
 * client is told each room's members as they are now, with a {@code joined} without {@code id}.
 */
final class Resumption {
  private static final Logger LOG = LoggerFactory.getLogger(Resumption.class);

  private Resumption() {}

  static void open(
      Session session,
      String loginOk,
      PresenceRecord resumed,
      HeldReplies held,
      RoomService rooms) {
    List<HeldMessage> messages = resumed.held();
    List<Future<Void>> written = session.open(loginOk, messages);
    List<HeldMessage> delivered = new ArrayList<>();
    List<HeldMessage> undelivered = new ArrayList<>();
    Future.join(written)
        .onComplete(
            all -> {
              for (int i = 0; i < messages.size(); i++) {
                (written.get(i + 1).succeeded() ? delivered : undelivered).add(messages.get(i));
              }
              held.answer(delivered, HeldReplies.DELIVERED);
              // Handed to a connection that closed at once: it may or may not have arrived.
              held.answer(undelivered, ErrorCode.DELIVERY_FAILED.code());
            });
    RoomMember member = new RoomMember(session.name(), session.id());
    for (String room : resumed.rooms()) {
      rooms
          .join(member, room, null)
          .onFailure(
              failed ->
                  LOG.warn(
                      "{} resumed, but could not take its place in {}",
                      member.name(),
                      room,
                      failed));
    }
  }
}
