package dev.signaling.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void byDefaultTheNodesOwnOriginAndLocalhostAreAllowed() {
    OriginPolicy policy = new OriginPolicy(List.of());

    assertThat(policy.allows("https://signal.example.org", "signal.example.org")).isTrue();
    assertThat(policy.allows("http://localhost:3000", "signal.example.org")).isTrue();
    assertThat(policy.allows("http://127.0.0.1:8081", "127.0.0.1:8080")).isTrue();
    assertThat(policy.allows("https://evil.example", "signal.example.org")).isFalse();
    assertThat(policy.allows("https://signal.example.org.evil.example", "signal.example.org"))
        .isFalse();
    assertThat(policy.allows("null", "signal.example.org")).isFalse();
  }

  @Test
  void requestsWithoutAnOriginComeFromNonBrowsersAndAreAllowed() {
    assertThat(new OriginPolicy(List.of("https://app.example.org")).allows(null, "x")).isTrue();
  }

  @Test
  void aConfiguredListIsTheOnlyThingAllowed() {
    OriginPolicy policy =
        new OriginPolicy(List.of("https://app.example.org", "HTTPS://Other.example.org/"));

    assertThat(policy.allows("https://app.example.org", "signal.example.org")).isTrue();
    assertThat(policy.allows("https://other.example.org", "signal.example.org")).isTrue();
    assertThat(policy.allows("http://app.example.org", "signal.example.org")).isFalse();
    assertThat(policy.allows("http://localhost:3000", "signal.example.org")).isFalse();
    assertThat(policy.allows("https://signal.example.org", "signal.example.org")).isFalse();
  }
}
