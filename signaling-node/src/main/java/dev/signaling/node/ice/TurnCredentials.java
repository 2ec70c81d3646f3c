package dev.signaling.node.ice;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ephemeral TURN credentials in coturn's REST-API scheme ({@code use-auth-secret}): the username is
 * {@code <expiry in unix seconds>:<user>} and the credential is base64(HMAC-SHA1(secret,
 * username)). The TURN server shares only the secret with us, so it checks a credential and its
 * expiry on its own: no user database, no call back to the signaling server, and a leaked
 * credential stops working when it expires.
 */
public final class TurnCredentials {
  private static final String ALGORITHM = "HmacSHA1";

  /**
   * One {@link Mac} per thread: a Mac is not thread-safe, and {@link Mac#getInstance} searches the
   * security providers on every call, which is not worth paying at every login. Only {@code init}
   * with the key runs per credential. Vert.x serves logins from a fixed set of event-loop threads,
   * so this holds few Macs.
   */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(TurnCredentials::newMac);

  private TurnCredentials() {}

  /** A username and credential as RTCPeerConnection's {@code iceServers} entry carries them. */
  public record TurnCredential(String username, String credential) {
    /**
     * Leaves the credential out: it grants the TURN server's bandwidth to whoever holds it until it
     * expires.
     */
    @Override
    public String toString() {
      return "TurnCredential[username=" + username + ", credential=<redacted>]";
    }
  }

  /**
   * Issues {@code user} a credential that coturn started with {@code --use-auth-secret
   * --static-auth-secret=<secret>} accepts until {@code expiry} (to the second, rounded down).
   */
  public static TurnCredential issue(String secret, String user, Instant expiry) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(expiry, "expiry");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("the TURN secret is empty");
    }
    String username = expiry.getEpochSecond() + ":" + user;
    Mac mac = MAC.get();
    try {
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), ALGORITHM));
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA1 refused the TURN secret", e);
    }
    byte[] digest = mac.doFinal(username.getBytes(UTF_8));
    return new TurnCredential(username, Base64.getEncoder().encodeToString(digest));
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide " + ALGORITHM, e);
    }
  }
}
