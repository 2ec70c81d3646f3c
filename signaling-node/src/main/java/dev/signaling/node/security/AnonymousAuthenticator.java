package dev.signaling.node.security;

import dev.signaling.node.base.Refusal;
import dev.signaling.protocol.ErrorCode;
import io.vertx.core.Future;

/** Development mode: anyone may log in under any free-form name; a token, if sent, is ignored. */
final class AnonymousAuthenticator implements Authenticator {
  @Override
  public Future<Identity> authenticate(String name, String token) {
    if (name == null) {
      return Future.failedFuture(new Refusal(ErrorCode.INVALID_NAME, "A login needs a \"name\"."));
    }
    return Future.succeededFuture(new Identity(name, null));
  }
}
