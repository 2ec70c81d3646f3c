package dev.signaling.node.transport.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Names an HTTP session and its credential. The id is the owner node's id, a dot and 128 random
 * bits, so that any node can tell from the id alone where to forward a request, without a lookup;
 * the key, 256 more random bits, is the secret that proves a request comes from the client the
 * session was created for.
 */
final class SessionIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** A node id (a UUID), a dot, 22 characters of base64url (128 bits). */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}\\.[A-Za-z0-9_-]{22}");

  private SessionIds() {}

  static String newId(String nodeId) {
    return nodeId + "." + random(16);
  }

  static String newKey() {
    return random(32);
  }

  /** The node that holds session {@code id}, or {@code null} when {@code id} is not one. */
  static String owner(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return null;
    }
    return id.substring(0, id.indexOf('.'));
  }

  /** Whether {@code offered} is {@code key}, in time that does not depend on where they differ. */
  static boolean keyMatches(byte[] key, String offered) {
    return offered != null
        && MessageDigest.isEqual(key, offered.getBytes(StandardCharsets.US_ASCII));
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return BASE64URL.encodeToString(value);
  }
}
