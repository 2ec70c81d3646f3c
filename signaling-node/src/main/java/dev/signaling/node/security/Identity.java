package dev.signaling.node.security;

import java.time.Instant;

/**
 * Who a login is: its name and, for a token login, when the token expires (the connection must
 * present a fresh one by then).
 *
 * @param expiresAt the token's expiry, or {@code null} for an anonymous login
 * @param ownerKey for a login that owns its name (a PeerJS id, held by the client's token): the key
 *     another login must have to take the name over while this one holds it; {@code null} for a
 *     native login, which any newer login of the name replaces
 */
public record Identity(String name, Instant expiresAt, String ownerKey) {

  /** A native login: the newest login of the name wins. */
  public Identity(String name, Instant expiresAt) {
    this(name, expiresAt, null);
  }
}
