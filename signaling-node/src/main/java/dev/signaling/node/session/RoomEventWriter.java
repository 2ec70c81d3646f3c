package dev.signaling.node.session;

import dev.signaling.node.rooms.RoomEvents;
import dev.signaling.node.rooms.RoomMember;
import dev.signaling.node.routing.LocalSessions;
import dev.signaling.node.routing.Session;
import dev.signaling.protocol.ServerMessages;
import java.util.Collection;

/**
 * Writes what the rooms have to tell a member to its client, while the member's session is here.
 */
public final class RoomEventWriter implements RoomEvents {
  private final LocalSessions sessions;

  public RoomEventWriter(LocalSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public void joined(RoomMember member, String room, Collection<String> users, Object id) {
    write(member, ServerMessages.joined(room, users, id));
  }

  @Override
  public void left(RoomMember member, String room, Object id) {
    write(member, ServerMessages.left(room, id));
  }

  @Override
  public void presence(RoomMember member, String room, String name, boolean online) {
    write(member, ServerMessages.presence(room, name, online));
  }

  private void write(RoomMember member, String frame) {
    Session session = sessions.find(member.name(), member.sessionId());
    if (session != null) {
      session.deliver(frame, "");
    }
  }
}
