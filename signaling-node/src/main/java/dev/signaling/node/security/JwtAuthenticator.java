package dev.signaling.node.security;

import dev.signaling.node.base.Refusal;
import dev.signaling.protocol.ErrorCode;
import dev.signaling.protocol.Names;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Clock;
import java.time.Instant;

/**
 * Token logins: the token's signature must verify against a configured key, and the user is the
 * token's {@code sub}. Expiry is checked here rather than by the library, so that an expired token
 * is told apart from a forged one.
 */
final class JwtAuthenticator implements Authenticator {
  private final JWTAuth jwt;
  private final Authenticator fallback;
  private final Clock clock;

  /**
   * @param fallback handles logins without a token (anonymous logins allowed), or {@code null}
   */
  JwtAuthenticator(JWTAuth jwt, Authenticator fallback, Clock clock) {
    this.jwt = jwt;
    this.fallback = fallback;
    this.clock = clock;
  }

  @Override
  public Future<Identity> authenticate(String name, String token) {
    if (token == null) {
      return fallback != null
          ? fallback.authenticate(name, null)
          : Future.failedFuture(new Refusal(ErrorCode.UNAUTHORIZED));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(
            forged ->
                Future.failedFuture(
                    new Refusal(
                        ErrorCode.UNAUTHORIZED,
                        "The token was not accepted: its signature, issuer or audience does not match.")))
        .compose(user -> identify(user, name));
  }

  private Future<Identity> identify(User user, String requestedName) {
    // The library keeps the token's claims among the user's attributes, not in its principal.
    Object sub = user.get("sub");
    String subject = sub instanceof String s ? s : null;
    if (subject == null || !Names.isValid(subject)) {
      return Future.failedFuture(
          new Refusal(
              ErrorCode.UNAUTHORIZED,
              "The token's \"sub\" must be a valid user name (1-64 letters, digits, . _ - @)."));
    }
    if (requestedName != null && !requestedName.equals(subject)) {
      return Future.failedFuture(
          new Refusal(
              ErrorCode.UNAUTHORIZED,
              "The token is for \"" + subject + "\", not \"" + requestedName + "\"."));
    }
    Object exp = user.get("exp");
    Instant expiresAt =
        exp instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : null;
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      return Future.failedFuture(new Refusal(ErrorCode.TOKEN_EXPIRED));
    }
    return Future.succeededFuture(new Identity(subject, expiresAt));
  }
}
