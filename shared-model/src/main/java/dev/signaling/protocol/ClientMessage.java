package dev.signaling.protocol;

/** A validated message from a client. */
public sealed interface ClientMessage
    permits ClientMessage.Login,
        ClientMessage.Logout,
        ClientMessage.Join,
        ClientMessage.Leave,
        ClientMessage.IceServers,
        ClientMessage.Token,
        ClientMessage.Relay,
        ClientMessage.RoomRelay {

  /** The client's correlation id (a string or an integer), or {@code null}. */
  Object id();

  /**
   * {@code {"type":"login","name":"alice"}} or {@code {"type":"login","token":"<JWT>"}}: claims a
   * name for this connection. With a token the name is the token's subject; {@code name} is then
   * optional and, if given, must match.
   */
  record Login(String name, String token, String resume, Object id) implements ClientMessage {

    /** A login without a resume token. */
    public Login(String name, String token, Object id) {
      this(name, token, null, id);
    }
  }

  /**
   * {@code {"type":"token","token":"<JWT>"}}: a fresh token for the logged-in user, before the old
   * expires.
   */
  record Token(String token, Object id) implements ClientMessage {}

  /** {@code {"type":"logout"}}: ends the session and closes the connection normally. */
  record Logout(Object id) implements ClientMessage {}

  /**
   * {@code {"type":"join","room":"lobby"}}: becomes a member of a room and learns who else is in
   * it.
   */
  record Join(String room, Object id) implements ClientMessage {}

  /** {@code {"type":"leave","room":"lobby"}}: stops being a member of a room. */
  record Leave(String room, Object id) implements ClientMessage {}

  /** {@code {"type":"ice-servers"}}: asks for ICE servers with fresh TURN credentials. */
  record IceServers(Object id) implements ClientMessage {}

  /**
   * An application message for one user. {@code frame} keeps the text exactly as received, so that
   * payloads pass through byte for byte.
   */
  record Relay(String type, String target, Object id, ParsedFrame frame) implements ClientMessage {

    /** The frame the target receives: the original, with {@code from} set by the server. */
    public String framedFrom(String sender) {
      return RelayFrames.withSender(frame, sender);
    }
  }

  /**
   * An application message for every other member of a room: it has a {@code room} and no {@code
   * target}. The frame keeps its {@code room}, which names the room it was sent to.
   */
  record RoomRelay(String type, String room, Object id, ParsedFrame frame)
      implements ClientMessage {

    /** The frame each member receives: the original, with {@code from} set by the server. */
    public String framedFrom(String sender) {
      return RelayFrames.withSender(frame, sender);
    }
  }
}
