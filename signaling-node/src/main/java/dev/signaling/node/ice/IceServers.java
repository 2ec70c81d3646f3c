package dev.signaling.node.ice;

import dev.signaling.node.ice.TurnCredentials.TurnCredential;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code iceServers} a client passes to its RTCPeerConnection, built per login because TURN
 * credentials are per user and expire (see {@link TurnCredentials}). The entries are always in the
 * same order, STUN first and TURN second; browsers gather candidates from every entry whatever the
 * order.
 *
 * <p>TURN URLs without a secret are handed out without credentials. Browsers then try the TURN
 * server with no username, so such a server must be open ({@code --no-auth}) or authorize clients
 * some other way; that is the operator's choice, not something this class can check.
 *
 * <p>Immutable and thread-safe.
 */
public final class IceServers {
  private final List<String> stunUrls;
  private final List<String> turnUrls;
  private final String turnSecret;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param turnSecret coturn's {@code static-auth-secret}; {@code null} or empty to issue no TURN
   *     credentials
   * @param ttl how long issued TURN credentials stay valid
   */
  public IceServers(
      List<String> stunUrls, List<String> turnUrls, String turnSecret, Duration ttl, Clock clock) {
    this.stunUrls = List.copyOf(stunUrls);
    this.turnUrls = List.copyOf(turnUrls);
    this.turnSecret = turnSecret == null || turnSecret.isEmpty() ? null : turnSecret;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the TURN credential lifetime must be positive: " + ttl);
    }
  }

  /** Whether {@link #forUser} hands out TURN credentials: TURN URLs and a secret are both set. */
  public boolean issuesTurnCredentials() {
    return !turnUrls.isEmpty() && turnSecret != null;
  }

  /** When a credential issued at {@code now} expires. */
  public Instant expiryFor(Instant now) {
    return now.plus(ttl);
  }

  /**
   * A fresh {@code iceServers} array for {@code user}, the caller's to change; empty when nothing
   * is configured.
   */
  public JsonArray forUser(String user) {
    JsonArray servers = new JsonArray();
    if (!stunUrls.isEmpty()) {
      servers.add(new JsonObject().put("urls", new JsonArray(new ArrayList<>(stunUrls))));
    }
    if (!turnUrls.isEmpty()) {
      JsonObject turn = new JsonObject().put("urls", new JsonArray(new ArrayList<>(turnUrls)));
      if (turnSecret != null) {
        TurnCredential credential =
            TurnCredentials.issue(turnSecret, user, expiryFor(clock.instant()));
        turn.put("username", credential.username()).put("credential", credential.credential());
      }
      servers.add(turn);
    }
    return servers;
  }
}
