package dev.signaling.node.presence;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link Presence} must do; subclassed once per implementation. */
abstract class PresenceContractTest {

  /** The presence under test, as seen from one node. */
  abstract Presence presence();

  /** The same presence as seen from another node (the same object when there is only one). */
  abstract Presence otherNodesPresence();

  private static String name() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void aClaimIsSeenEverywhereAndReturnsTheEntryItReplaced() {
    String name = name();
    PresenceEntry first = new PresenceEntry("node-a", "s1");
    PresenceEntry second = new PresenceEntry("node-b", "s2");

    assertThat(await(presence().claim(name, first))).isNull();
    assertThat(await(otherNodesPresence().lookup(name))).isEqualTo(first);
    assertThat(await(otherNodesPresence().claim(name, second))).isEqualTo(first);
    assertThat(await(presence().lookup(name))).isEqualTo(second);
  }

  @Test
  void locatingAgainAnswersWhatTheMapHoldsNowAndLocatingFollowsIt() {
    String name = name();
    PresenceEntry first = new PresenceEntry("node-a", "s1");
    PresenceEntry second = new PresenceEntry("node-b", "s2");
    await(presence().claim(name, first));
    assertThat(await(otherNodesPresence().locate(name))).isEqualTo(first);

    await(presence().claim(name, second));

    assertThat(await(otherNodesPresence().locateAgain(name))).isEqualTo(second);
    assertThat(await(otherNodesPresence().locate(name))).isEqualTo(second);
    await(presence().release(name, "s2"));
    assertThat(await(otherNodesPresence().locateAgain(name))).isNull();
  }

  @Test
  void anUnknownNameIsNotOnline() {
    assertThat(await(presence().lookup(name()))).isNull();
  }

  @Test
  void releaseRemovesOnlyTheSessionThatStillHoldsTheName() {
    String name = name();
    await(presence().claim(name, new PresenceEntry("node-a", "old")));
    await(presence().claim(name, new PresenceEntry("node-a", "new")));

    assertThat(await(otherNodesPresence().release(name, "old"))).isFalse();
    assertThat(await(presence().lookup(name))).isEqualTo(new PresenceEntry("node-a", "new"));
    assertThat(await(otherNodesPresence().release(name, "new"))).isTrue();
    assertThat(await(presence().lookup(name))).isNull();
    assertThat(await(presence().release(name, "new"))).isFalse();
  }

  @Test
  void removingANodeRemovesItsUsersAndNobodyElse() {
    String dead = "dead-" + UUID.randomUUID();
    String alive = "alive-" + UUID.randomUUID();
    String[] deadUsers = {name(), name(), name()};
    String survivor = name();
    for (String user : deadUsers) {
      await(presence().claim(user, new PresenceEntry(dead, "s-" + user)));
    }
    await(presence().claim(survivor, new PresenceEntry(alive, "s")));

    assertThat(await(otherNodesPresence().removeNode(dead))).containsExactlyInAnyOrder(deadUsers);

    for (String user : deadUsers) {
      assertThat(await(presence().lookup(user))).isNull();
    }
    assertThat(await(presence().lookup(survivor))).isEqualTo(new PresenceEntry(alive, "s"));
    assertThat(await(presence().removeNode(dead))).isEmpty();
  }

  @Test
  void reconciliationRemovesEveryEntryOfNodesThatAreNotMembers() {
    String member = "member-" + UUID.randomUUID();
    String gone = "gone-" + UUID.randomUUID();
    String kept = name();
    String stale = name();
    await(presence().claim(kept, new PresenceEntry(member, "s1")));
    await(presence().claim(stale, new PresenceEntry(gone, "s2")));
    // Entries other tests left behind belong to nodes that are not members either; count only ours.
    Set<String> members = Set.of(member);

    assertThat(await(presence().removeAllExcept(members))).contains(stale).doesNotContain(kept);

    assertThat(await(otherNodesPresence().lookup(stale))).isNull();
    assertThat(await(otherNodesPresence().lookup(kept))).isEqualTo(new PresenceEntry(member, "s1"));
  }

  @Test
  void sizeCountsOnlineUsers() {
    String member = "member-" + UUID.randomUUID();
    await(presence().removeAllExcept(Set.of(member)));
    await(presence().claim(name(), new PresenceEntry(member, "a")));
    await(otherNodesPresence().claim(name(), new PresenceEntry(member, "b")));

    assertThat(await(presence().size())).isEqualTo(2);
  }
}
