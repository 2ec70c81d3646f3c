package dev.signaling.node.config;

import java.util.List;

/**
 * Who may connect and as whom.
 *
 * @param jwtHs256Secret shared secret for HS256 tokens; empty for none; never logged
 * @param jwtPublicKeyFile PEM public key for RS256 or ES256 tokens; empty for none
 * @param jwksFile a JSON Web Key Set file ({"keys":[...]}); empty for none
 * @param jwtIssuer required {@code iss} claim; empty to accept any
 * @param jwtAudience required {@code aud} claim; empty to accept any
 * @param allowAnonymous accept a plain name without a token even when a key is configured
 * @param allowedOrigins origins allowed to open WebSockets; empty for the node's own origin and
 *     localhost
 */
public record Security(
    String jwtHs256Secret,
    String jwtPublicKeyFile,
    String jwksFile,
    String jwtIssuer,
    String jwtAudience,
    boolean allowAnonymous,
    List<String> allowedOrigins) {

  public Security {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Whether any key to verify tokens is configured. */
  public boolean verifiesTokens() {
    return !jwtHs256Secret.isEmpty() || !jwtPublicKeyFile.isEmpty() || !jwksFile.isEmpty();
  }

  /** Whether a login may name itself without a token: no key configured, or explicitly allowed. */
  public boolean anonymousLogins() {
    return !verifiesTokens() || allowAnonymous;
  }

  @Override
  public String toString() {
    String keys =
        String.join(
            "+",
            List.of(
                    jwtHs256Secret.isEmpty() ? "" : "hs256-secret",
                    jwtPublicKeyFile.isEmpty() ? "" : "public-key " + jwtPublicKeyFile,
                    jwksFile.isEmpty() ? "" : "jwks " + jwksFile)
                .stream()
                .filter(part -> !part.isEmpty())
                .toList());
    return "Security[tokens="
        + (keys.isEmpty() ? "none" : keys)
        + ", anonymous="
        + anonymousLogins()
        + ", origins="
        + (allowedOrigins.isEmpty() ? "own+localhost" : allowedOrigins)
        + "]";
  }
}
