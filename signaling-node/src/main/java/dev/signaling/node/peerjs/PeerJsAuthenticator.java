package dev.signaling.node.peerjs;

import dev.signaling.node.security.Authenticator;
import dev.signaling.node.security.Identity;
import io.vertx.core.Future;

/**
 * The node's own login rules applied to a PeerJS connection: the id is the name asked for, and a
 * token that is a JWT is checked as a login token (its {@code sub} must be the id); the PeerJS
 * client's random token is no login token, so on a node that requires tokens only a JWT gets in
 * (or, with {@code ALLOW_ANONYMOUS=true}, anyone). The identity that comes out holds the id in the
 * PeerJS namespace and is owned by the token: another token cannot take the id while it is held.
 */
final class PeerJsAuthenticator implements Authenticator {
  private final Authenticator node;

  PeerJsAuthenticator(Authenticator node) {
    this.node = node;
  }

  @Override
  public Future<Identity> authenticate(String id, String token) {
    return node.authenticate(id, PeerJsIds.looksLikeJwt(token) ? token : null)
        .map(
            identity ->
                new Identity(
                    PeerJsIds.sessionName(identity.name()),
                    identity.expiresAt(),
                    PeerJsIds.ownerKey(token)));
  }
}
