package dev.signaling.node.security;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import dev.signaling.node.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Token logins against real nodes: HS256 with a shared secret, RS256 with a PEM public key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {
  private static final String SECRET = "a-test-secret-of-reasonable-length";

  private TestCluster hs256;
  private TestCluster rs256;
  private JWTAuth hs256Issuer;
  private JWTAuth rs256Issuer;

  @BeforeAll
  void start() throws Exception {
    hs256 = TestCluster.start(false, 1, Map.of("JWT_HS256_SECRET", SECRET));
    hs256Issuer =
        JWTAuth.create(
            hs256.clientVertx(),
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));

    KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Path publicKey = Files.createTempFile("jwt", ".pem");
    Files.writeString(publicKey, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    rs256 = TestCluster.start(false, 1, Map.of("JWT_PUBLIC_KEY_FILE", publicKey.toString()));
    rs256Issuer =
        JWTAuth.create(
            rs256.clientVertx(),
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("RS256")
                        .setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
  }

  @AfterAll
  void stop() {
    hs256.close();
    rs256.close();
  }

  @Test
  void aValidTokenLogsInAsItsSubject() {
    JsonObject ok =
        await(
            login(hs256, new JsonObject().put("token", token(hs256Issuer, "HS256", "alice", 60))));

    assertThat(ok.getString("name")).isEqualTo("alice");
  }

  @Test
  void anRs256TokenVerifiesAgainstThePublicKeyFile() {
    JsonObject ok =
        await(login(rs256, new JsonObject().put("token", token(rs256Issuer, "RS256", "rita", 60))));

    assertThat(ok.getString("name")).isEqualTo("rita");
  }

  @Test
  void missingForgedExpiredAndMismatchedTokensAreRefusedWithReasons() {
    JWTAuth forger =
        JWTAuth.create(
            hs256.clientVertx(),
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("HS256")
                        .setBuffer("some-other-secret-entirely")));

    assertRefused(login(hs256, new JsonObject().put("name", "mallory")), "unauthorized");
    assertRefused(
        login(hs256, new JsonObject().put("token", token(forger, "HS256", "alice", 60))),
        "unauthorized");
    assertRefused(
        login(hs256, new JsonObject().put("token", token(hs256Issuer, "HS256", "alice", -60))),
        "token-expired");
    assertRefused(
        login(
            hs256,
            new JsonObject()
                .put("name", "bob")
                .put("token", token(hs256Issuer, "HS256", "alice", 60))),
        "unauthorized");
    assertRefused(
        login(rs256, new JsonObject().put("token", token(hs256Issuer, "HS256", "alice", 60))),
        "unauthorized");
  }

  @Test
  void aTokenExpiringDuringTheConnectionClosesItUnlessRenewed() throws Exception {
    SignalingClient expiring =
        await(SignalingClient.connect(hs256.clientVertx(), "127.0.0.1", hs256.node(0).httpPort()));
    SignalingClient renewing =
        await(SignalingClient.connect(hs256.clientVertx(), "127.0.0.1", hs256.node(0).httpPort()));
    await(
        expiring.request(
            new JsonObject()
                .put("type", "login")
                .put("token", token(hs256Issuer, "HS256", "eve", 2))));
    await(
        renewing.request(
            new JsonObject()
                .put("type", "login")
                .put("token", token(hs256Issuer, "HS256", "rene", 2))));

    await(
        renewing.request(
            new JsonObject()
                .put("type", "token")
                .put("token", token(hs256Issuer, "HS256", "rene", 60))));

    assertThat(expiring.await("error", Duration.ofSeconds(10)).getString("code"))
        .isEqualTo("token-expired");
    assertThat(await(expiring.closeFuture())).isEqualTo((short) 1008);
    // The renewed connection outlives the first token: it still answers after the other one closed.
    await(renewing.request(new JsonObject().put("type", "ice-servers")));
    assertThat(renewing.isClosed()).isFalse();
  }

  @Test
  void aRenewalMustBeForTheSameUser() {
    SignalingClient client =
        await(SignalingClient.connect(hs256.clientVertx(), "127.0.0.1", hs256.node(0).httpPort()));
    await(
        client.request(
            new JsonObject()
                .put("type", "login")
                .put("token", token(hs256Issuer, "HS256", "ursula", 60))));

    assertRefused(
        client.request(
            new JsonObject()
                .put("type", "token")
                .put("token", token(hs256Issuer, "HS256", "someone-else", 60))),
        "unauthorized");
  }

  private static Future<JsonObject> login(TestCluster cluster, JsonObject fields) {
    return SignalingClient.connect(cluster.clientVertx(), "127.0.0.1", cluster.node(0).httpPort())
        .compose(client -> client.request(fields.copy().put("type", "login")));
  }

  private static String token(
      JWTAuth issuer, String algorithm, String subject, long expiresInSeconds) {
    long now = Instant.now().getEpochSecond();
    return issuer.generateToken(
        new JsonObject().put("sub", subject).put("exp", now + expiresInSeconds),
        new JWTOptions().setAlgorithm(algorithm));
  }

  private static void assertRefused(Future<JsonObject> answer, String code) {
    try {
      await(answer);
      throw new AssertionError("accepted, but should have been refused with " + code);
    } catch (AssertionError refused) {
      assertThat(answer.cause()).isInstanceOf(SignalingException.class);
      assertThat(((SignalingException) answer.cause()).code()).isEqualTo(code);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
