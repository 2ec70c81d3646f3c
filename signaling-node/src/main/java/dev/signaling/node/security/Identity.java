package dev.signaling.node.security;

import java.time.Instant;

/**
 * Who a login is: its name and, for a token login, when the token expires (the connection must
 * present a fresh one by then).
 *
 * @param expiresAt the token's expiry, or {@code null} for an anonymous login
 */
public record Identity(String name, Instant expiresAt) {}
