package dev.signaling.node.security;

import dev.signaling.node.config.Security;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the authenticator the settings ask for, and says which at startup. */
public final class Authenticators {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticators.class);

  private Authenticators() {}

  public static Authenticator create(Vertx vertx, Security security) {
    if (!security.verifiesTokens()) {
      LOG.warn(
          "anonymous development mode: no JWT key is configured, so anyone may log in under any name");
      return new AnonymousAuthenticator();
    }
    JWTAuthOptions options =
        new JWTAuthOptions()
            // Expiry is checked by JwtAuthenticator, to tell expired tokens from forged ones.
            .setJWTOptions(jwtOptions(security));
    if (!security.jwtHs256Secret().isEmpty()) {
      options.addPubSecKey(
          new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(security.jwtHs256Secret()));
    }
    if (!security.jwtPublicKeyFile().isEmpty()) {
      String pem = read(security.jwtPublicKeyFile());
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithmOf(pem)).setBuffer(pem));
    }
    if (!security.jwksFile().isEmpty()) {
      JsonArray keys =
          new JsonObject(read(security.jwksFile())).getJsonArray("keys", new JsonArray());
      keys.forEach(key -> options.addJwk((JsonObject) key));
    }
    Authenticator fallback = security.allowAnonymous() ? new AnonymousAuthenticator() : null;
    LOG.info(
        "logins need a JWT{}",
        fallback == null ? "" : "; ALLOW_ANONYMOUS=true also accepts plain names");
    return new JwtAuthenticator(JWTAuth.create(vertx, options), fallback, Clock.systemUTC());
  }

  private static JWTOptions jwtOptions(Security security) {
    JWTOptions options = new JWTOptions().setIgnoreExpiration(true);
    if (!security.jwtIssuer().isEmpty()) {
      options.setIssuer(security.jwtIssuer());
    }
    if (!security.jwtAudience().isEmpty()) {
      options.addAudience(security.jwtAudience());
    }
    return options;
  }

  /** RS256 for an RSA public key, ES256 for an EC one. */
  static String algorithmOf(String pem) {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
    for (String[] family : new String[][] {{"RSA", "RS256"}, {"EC", "ES256"}}) {
      try {
        KeyFactory.getInstance(family[0]).generatePublic(spec);
        return family[1];
      } catch (GeneralSecurityException notThisFamily) {
        // Try the next.
      }
    }
    throw new IllegalArgumentException(
        "JWT_PUBLIC_KEY_FILE holds neither an RSA nor an EC public key");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
