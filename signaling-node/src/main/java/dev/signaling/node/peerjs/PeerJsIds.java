package dev.signaling.node.peerjs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * PeerJS ids and where they live among the node's names. An id is held in presence as {@code
 * peerjs:<id>}: a name with a colon, which no native login and no native message's target can ever
 * be, so PeerJS ids and native names are separate namespaces (see docs/peerjs.md).
 */
final class PeerJsIds {
  static final String NAMESPACE = "peerjs:";
  static final int MAX_LENGTH = 64;

  /** The ids the PeerJS client itself accepts (its {@code util.validateId}). */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*");

  private static final Pattern JWT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  private static final int OWNER_KEY_CHARS = 22;

  private PeerJsIds() {}

  static boolean isValid(String id) {
    return id != null && id.length() <= MAX_LENGTH && VALID.matcher(id).matches();
  }

  /** The session name, in presence and routing, of a PeerJS id. */
  static String sessionName(String id) {
    return NAMESPACE + id;
  }

  /** The PeerJS id of a session name made by {@link #sessionName}. */
  static String idOf(String sessionName) {
    return sessionName.substring(NAMESPACE.length());
  }

  /**
   * The owner key of a client's token: a digest, so that tokens never reach the presence map, the
   * logs or another node. 132 bits of SHA-256, in base64url.
   */
  static String ownerKey(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("peerjs-token\0" + token).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(digest)
          .substring(0, OWNER_KEY_CHARS);
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException("every Java runtime has SHA-256", missing);
    }
  }

  /**
   * Whether a PeerJS token is a JSON Web Token (three base64url parts) rather than the random word
   * the PeerJS client makes up: only then is it checked as a login token.
   */
  static boolean looksLikeJwt(String token) {
    return JWT.matcher(token).matches();
  }
}
