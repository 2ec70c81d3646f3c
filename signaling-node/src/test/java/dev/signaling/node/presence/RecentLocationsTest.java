package dev.signaling.node.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentLocationsTest {

  @Test
  void remembersUntilToldToForget() {
    RecentLocations recent = new RecentLocations(10);
    PresenceEntry entry = new PresenceEntry("node-a", "s1");

    recent.remember("alice", entry);
    assertThat(recent.get("alice")).isEqualTo(entry);

    recent.forget("alice");
    assertThat(recent.get("alice")).isNull();
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    RecentLocations recent = new RecentLocations(3);
    for (int i = 0; i < 10; i++) {
      recent.remember("user-" + i, new PresenceEntry("node-a", "s" + i));
    }

    int held = 0;
    for (int i = 0; i < 10; i++) {
      held += recent.get("user-" + i) == null ? 0 : 1;
    }
    assertThat(held).isBetween(1, 3);
    // The newest is always kept: it is the one being relayed to.
    assertThat(recent.get("user-9")).isEqualTo(new PresenceEntry("node-a", "s9"));
  }
}
