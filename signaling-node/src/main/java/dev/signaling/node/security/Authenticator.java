package dev.signaling.node.security;

import io.vertx.core.Future;

/**
 * Decides who a login is. Fails with a {@code Refusal} (unauthorized, token-expired, invalid-name).
 */
public interface Authenticator {

  /**
   * @param name the name the login asked for, or {@code null}
   * @param token the login's token, or {@code null}
   */
  Future<Identity> authenticate(String name, String token);
}
