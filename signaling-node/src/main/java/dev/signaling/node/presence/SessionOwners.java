package dev.signaling.node.presence;

import java.util.UUID;

/**
 * Session ids that say whose login a session is. A login that owns its name (a PeerJS id, held by
 * its client's token) gets the id {@code <owner key>/<uuid>}, so that the presence map tells from
 * an entry alone whether a claim may take the name over: entries, their serializer and the
 * re-assertion stay as they are. Other logins keep a bare UUID, which no owner key matches.
 */
public final class SessionOwners {
  private static final char SEPARATOR = '/';

  private SessionOwners() {}

  /**
   * A fresh session id, owned by {@code ownerKey} when it is not {@code null}.
   *
   * @param ownerKey a key without {@code /}, for example a base64url digest
   */
  public static String newSessionId(String ownerKey) {
    String id = UUID.randomUUID().toString();
    if (ownerKey == null) {
      return id;
    }
    if (ownerKey.isEmpty() || ownerKey.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("an owner key is non-empty and has no '/'");
    }
    return ownerKey + SEPARATOR + id;
  }

  /** Whether {@code sessionId} is a session of {@code ownerKey}'s. */
  public static boolean ownedBy(String sessionId, String ownerKey) {
    return sessionId.length() > ownerKey.length()
        && sessionId.charAt(ownerKey.length()) == SEPARATOR
        && sessionId.startsWith(ownerKey);
  }
}
