package dev.signaling.node.presence;

/**
 * Where a user is online: the node holding its connection and the session on that connection. The
 * session tells a newer login of the same name from an older one.
 *
 * @param away the session's connection ended without a logout and the user may yet resume it:
 *     messages for it are held, not delivered (see {@link Presence#hold})
 */
public record PresenceEntry(String node, String session, boolean away) {

  /** A session whose client is connected. */
  public PresenceEntry(String node, String session) {
    this(node, session, false);
  }
}
