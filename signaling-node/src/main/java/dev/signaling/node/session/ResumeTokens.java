package dev.signaling.node.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Resume tokens: 256 random bits handed to the client in {@code login-ok}, of which the cluster
 * keeps only a hash, bound to the name, so that a stolen presence map does not hand out sessions. A
 * token serves once: each resume issues a fresh one.
 */
final class ResumeTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private ResumeTokens() {}

  /** A fresh token for the client. */
  static String fresh() {
    byte[] bits = new byte[32];
    RANDOM.nextBytes(bits);
    return ENCODER.encodeToString(bits);
  }

  /** What the cluster keeps of {@code token}, issued to {@code name}. */
  static String key(String name, String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(name.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      return ENCODER.encodeToString(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException("every Java has SHA-256", missing);
    }
  }
}
