package dev.signaling.node.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.node.ice.TurnCredentials.TurnCredential;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {
  private static final String SECRET = "north-wind";
  private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration TTL = Duration.ofHours(1);
  private static final List<String> STUN = List.of("stun:stun.example.org:3478");
  private static final List<String> TURN =
      List.of(
          "turn:turn.example.org:3478?transport=udp", "turn:turn.example.org:3478?transport=tcp");

  // Every credential here was computed independently, not with the code under test:
  // printf '%s' "$username" | openssl dgst -sha1 -hmac "$secret" -binary | base64
  /**
   * 1700003600:alice under north-wind: alice's credential from {@link #CLOCK} with {@link #TTL}.
   */
  private static final String ALICE_CREDENTIAL = "iRtTIZ3N38dm9S+dP+UkHfnN9Qo=";

  /** 1700003600:bob under north-wind. */
  private static final String BOB_CREDENTIAL = "u+wrjnL291nyRdV2iYlb7XM2OoE=";

  @Test
  void theCredentialIsTheBase64HmacSha1OfTheUsernameUnderTheSecret() {
    assertThat(TurnCredentials.issue(SECRET, "alice", NOW))
        .isEqualTo(new TurnCredential("1700000000:alice", "Oko4dt8u/EbTRjRUJWQDFm/zTCc="));
    assertThat(TurnCredentials.issue(SECRET, "bob:smith", NOW.plusSeconds(3600)))
        .isEqualTo(new TurnCredential("1700003600:bob:smith", "Xe86QNETDrbHF4h/V6HXXp8GBu8="));
  }

  @Test
  void theUsernameCarriesTheExpiryInWholeSeconds() {
    TurnCredential credential = TurnCredentials.issue(SECRET, "alice", NOW.plusMillis(999));

    assertThat(credential.username()).isEqualTo("1700000000:alice");
  }

  @Test
  void threadsIssuingAtOnceUnderDifferentSecretsEachGetTheirOwn() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<TurnCredential>> issued = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        String secret = i % 2 == 0 ? SECRET : "other";
        issued.add(pool.submit(() -> TurnCredentials.issue(secret, "alice", NOW)));
      }
      for (int i = 0; i < issued.size(); i++) {
        String expected =
            i % 2 == 0 ? "Oko4dt8u/EbTRjRUJWQDFm/zTCc=" : "k4XPUH6lu3YPdwu9quEHG44deCs=";
        assertThat(issued.get(i).get().credential()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anEmptySecretIsRefused() {
    assertThatThrownBy(() -> TurnCredentials.issue("", "alice", NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCredentialIsLeftOutOfToString() {
    TurnCredential credential = TurnCredentials.issue(SECRET, "alice", NOW);

    assertThat(credential.toString())
        .contains("1700000000:alice")
        .doesNotContain(credential.credential());
  }

  @Test
  void credentialsExpireTheTtlAfterTheClocksNow() {
    IceServers servers = new IceServers(List.of(), TURN, SECRET, TTL, CLOCK);

    JsonObject turn = servers.forUser("alice").getJsonObject(0);

    assertThat(servers.expiryFor(NOW)).isEqualTo(NOW.plus(TTL));
    assertThat(turn.getString("username")).isEqualTo("1700003600:alice");
    assertThat(turn.getString("credential")).isEqualTo(ALICE_CREDENTIAL);
  }

  @Test
  void nothingConfiguredGivesNoIceServers() {
    IceServers servers = new IceServers(List.of(), List.of(), null, TTL, CLOCK);

    assertThat(servers.forUser("alice")).isEqualTo(new JsonArray());
    assertThat(servers.issuesTurnCredentials()).isFalse();
  }

  @Test
  void stunAloneIsOneEntryWithoutCredentials() {
    IceServers servers = new IceServers(STUN, List.of(), SECRET, TTL, CLOCK);

    assertThat(servers.forUser("alice")).isEqualTo(new JsonArray().add(stunEntry()));
    assertThat(servers.issuesTurnCredentials()).isFalse();
  }

  @Test
  void turnWithASecretCarriesTheUsersCredentials() {
    IceServers servers = new IceServers(List.of(), TURN, SECRET, TTL, CLOCK);

    assertThat(servers.forUser("alice"))
        .isEqualTo(new JsonArray().add(turnEntry("1700003600:alice", ALICE_CREDENTIAL)));
    assertThat(servers.issuesTurnCredentials()).isTrue();
  }

  @Test
  void turnWithoutASecretIsHandedOutWithoutCredentials() {
    for (String noSecret : new String[] {null, ""}) {
      IceServers servers = new IceServers(List.of(), TURN, noSecret, TTL, CLOCK);

      assertThat(servers.forUser("alice"))
          .isEqualTo(new JsonArray().add(new JsonObject().put("urls", new JsonArray(TURN))));
      assertThat(servers.issuesTurnCredentials()).isFalse();
    }
  }

  @Test
  void stunComesBeforeTurn() {
    IceServers servers = new IceServers(STUN, TURN, SECRET, TTL, CLOCK);

    assertThat(servers.forUser("bob"))
        .isEqualTo(
            new JsonArray().add(stunEntry()).add(turnEntry("1700003600:bob", BOB_CREDENTIAL)));
    assertThat(servers.issuesTurnCredentials()).isTrue();
  }

  @Test
  void eachCallReturnsAnArrayTheCallerMayChange() {
    IceServers servers = new IceServers(STUN, TURN, SECRET, TTL, CLOCK);

    JsonArray first = servers.forUser("alice");
    first.getJsonObject(0).getJsonArray("urls").add("stun:changed.example.org");
    first.add(new JsonObject());

    assertThat(servers.forUser("alice"))
        .isEqualTo(
            new JsonArray().add(stunEntry()).add(turnEntry("1700003600:alice", ALICE_CREDENTIAL)));
  }

  @Test
  void aLifetimeThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> new IceServers(STUN, TURN, SECRET, Duration.ZERO, CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static JsonObject stunEntry() {
    return new JsonObject().put("urls", new JsonArray(STUN));
  }

  private static JsonObject turnEntry(String username, String credential) {
    return new JsonObject()
        .put("urls", new JsonArray(TURN))
        .put("username", username)
        .put("credential", credential);
  }
}
