package dev.signaling.node.presence;

import static dev.signaling.node.support.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
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

  /** The records a node would re-assert: names and session ids, alternating. */
  private static Map<String, PresenceRecord> records(String node, String... namesAndSessions) {
    Map<String, PresenceRecord> records = new HashMap<>();
    for (int i = 0; i < namesAndSessions.length; i += 2) {
      records.put(
          namesAndSessions[i],
          PresenceRecord.connected(new PresenceEntry(node, namesAndSessions[i + 1]), ""));
    }
    return records;
  }

  @Test
  void aClaimIsSeenEverywhereAndReturnsTheEntryItReplaced() {
    String name = name();
    PresenceEntry first = new PresenceEntry("node-a", "s1");
    PresenceEntry second = new PresenceEntry("node-b", "s2");

    assertThat(await(presence().claim(name, first, ""))).isNull();
    assertThat(await(otherNodesPresence().lookup(name))).isEqualTo(first);
    assertThat(await(otherNodesPresence().claim(name, second, "")).entry()).isEqualTo(first);
    assertThat(await(presence().lookup(name))).isEqualTo(second);
  }

  @Test
  void locatingAgainAnswersWhatTheMapHoldsNowAndLocatingFollowsIt() {
    String name = name();
    PresenceEntry first = new PresenceEntry("node-a", "s1");
    PresenceEntry second = new PresenceEntry("node-b", "s2");
    await(presence().claim(name, first, ""));
    assertThat(await(otherNodesPresence().locate(name))).isEqualTo(first);

    await(presence().claim(name, second, ""));

    assertThat(await(otherNodesPresence().locateAgain(name))).isEqualTo(second);
    assertThat(await(otherNodesPresence().locate(name))).isEqualTo(second);
    await(presence().release(name, "s2"));
    assertThat(await(otherNodesPresence().locateAgain(name))).isNull();
  }

  @Test
  void anOwnedClaimTakesAFreeNameOrItsOwnersButNeverAnotherOwners() {
    String name = name();
    PresenceEntry first = new PresenceEntry("node-a", SessionOwners.newSessionId("key1"));
    PresenceEntry again = new PresenceEntry("node-b", SessionOwners.newSessionId("key1"));
    PresenceEntry other = new PresenceEntry("node-b", SessionOwners.newSessionId("key2"));

    assertThat(await(presence().claimOwned(name, first, "key1"))).isNull();
    assertThat(await(otherNodesPresence().claimOwned(name, other, "key2"))).isEqualTo(first);
    assertThat(await(presence().lookup(name))).isEqualTo(first);
    assertThat(await(otherNodesPresence().claimOwned(name, again, "key1"))).isEqualTo(first);
    assertThat(await(presence().lookup(name))).isEqualTo(again);

    await(presence().release(name, again.session()));
    assertThat(await(otherNodesPresence().claimOwned(name, other, "key2"))).isNull();
    assertThat(await(presence().lookup(name))).isEqualTo(other);
  }

  @Test
  void anOwnedClaimNeverTakesANameHeldByALoginWithoutOwner() {
    String name = name();
    PresenceEntry plain = new PresenceEntry("node-a", "s1");
    await(presence().claim(name, plain, ""));

    PresenceEntry owned = new PresenceEntry("node-b", SessionOwners.newSessionId("s1"));
    assertThat(await(otherNodesPresence().claimOwned(name, owned, "s1"))).isEqualTo(plain);
    assertThat(await(presence().lookup(name))).isEqualTo(plain);
  }

  @Test
  void namesAreListedByPrefix() {
    String prefix = "list-" + UUID.randomUUID() + ":";
    await(presence().claim(prefix + "a", new PresenceEntry("node-a", "s1"), ""));
    await(otherNodesPresence().claim(prefix + "b_%", new PresenceEntry("node-b", "s2"), ""));
    await(presence().claim("other-" + UUID.randomUUID(), new PresenceEntry("node-a", "s3"), ""));

    assertThat(await(otherNodesPresence().namesStartingWith(prefix, 100)))
        .containsExactlyInAnyOrder(prefix + "a", prefix + "b_%");
    assertThat(await(presence().namesStartingWith(prefix, 1))).hasSize(1);
  }

  @Test
  void anUnknownNameIsNotOnline() {
    assertThat(await(presence().lookup(name()))).isNull();
  }

  @Test
  void releaseRemovesOnlyTheSessionThatStillHoldsTheName() {
    String name = name();
    await(presence().claim(name, new PresenceEntry("node-a", "old"), ""));
    await(presence().claim(name, new PresenceEntry("node-a", "new"), ""));

    assertThat(await(otherNodesPresence().release(name, "old"))).isNull();
    assertThat(await(presence().lookup(name))).isEqualTo(new PresenceEntry("node-a", "new"));
    assertThat(await(otherNodesPresence().release(name, "new")).session()).isEqualTo("new");
    assertThat(await(presence().lookup(name))).isNull();
    assertThat(await(presence().release(name, "new"))).isNull();
  }

  @Test
  void removingANodeRemovesItsUsersAndNobodyElse() {
    String dead = "dead-" + UUID.randomUUID();
    String alive = "alive-" + UUID.randomUUID();
    String[] deadUsers = {name(), name(), name()};
    String survivor = name();
    for (String user : deadUsers) {
      await(presence().claim(user, new PresenceEntry(dead, "s-" + user), ""));
    }
    await(presence().claim(survivor, new PresenceEntry(alive, "s"), ""));

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
    await(presence().claim(kept, new PresenceEntry(member, "s1"), ""));
    await(presence().claim(stale, new PresenceEntry(gone, "s2"), ""));
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
    await(presence().claim(name(), new PresenceEntry(member, "a"), ""));
    await(otherNodesPresence().claim(name(), new PresenceEntry(member, "b"), ""));

    assertThat(await(presence().size())).isEqualTo(2);
  }

  @Test
  void countOnCountsTheEntriesOfOneNode() {
    String node = "node-" + UUID.randomUUID();
    await(presence().claim(name(), new PresenceEntry(node, "a"), ""));
    await(otherNodesPresence().claim(name(), new PresenceEntry(node, "b"), ""));
    await(presence().claim(name(), new PresenceEntry("elsewhere-" + UUID.randomUUID(), "c"), ""));

    assertThat(await(presence().countOn(node))).isEqualTo(2);
    assertThat(await(otherNodesPresence().countOn("nobody-" + UUID.randomUUID()))).isZero();
  }

  @Test
  void reassertingRestoresTheMissingEntriesOfTheNodesSessionsOnce() {
    String node = "node-" + UUID.randomUUID();
    String kept = name();
    String lost = name();
    await(presence().claim(kept, new PresenceEntry(node, "s-kept"), ""));

    PresenceReassertion first =
        await(
            otherNodesPresence()
                .reassert(node, records(node, kept, "s-kept", lost, "s-lost"), session -> true));

    assertThat(first.restored()).containsExactly(lost);
    assertThat(first.superseded()).isEmpty();
    assertThat(first.removed()).isEmpty();
    assertThat(await(presence().lookup(lost))).isEqualTo(new PresenceEntry(node, "s-lost"));
    assertThat(await(presence().lookup(kept))).isEqualTo(new PresenceEntry(node, "s-kept"));
    assertThat(
            await(
                otherNodesPresence()
                    .reassert(
                        node, records(node, kept, "s-kept", lost, "s-lost"), session -> true)))
        .isEqualTo(PresenceReassertion.NOTHING);
  }

  @Test
  void reassertingNeverOverwritesAnotherSessionOfTheNameButReportsIt() {
    String node = "node-" + UUID.randomUUID();
    String name = name();
    PresenceEntry newer = new PresenceEntry("elsewhere-" + UUID.randomUUID(), "s-newer");
    await(otherNodesPresence().claim(name, newer, ""));

    PresenceReassertion done =
        await(presence().reassert(node, records(node, name, "s-older"), session -> true));

    assertThat(done.superseded()).containsExactly(name);
    assertThat(done.restored()).isEmpty();
    assertThat(await(otherNodesPresence().lookup(name))).isEqualTo(newer);
  }

  @Test
  void reassertingRemovesEntriesOfSessionsTheNodeNoLongerHasButNotOfClaimsInFlight() {
    String node = "node-" + UUID.randomUUID();
    String gone = name();
    String claiming = name();
    String current = name();
    String elsewhere = name();
    await(presence().claim(gone, new PresenceEntry(node, "s-gone"), ""));
    await(presence().claim(claiming, new PresenceEntry(node, "s-claiming"), ""));
    await(presence().claim(current, new PresenceEntry(node, "s-current"), ""));
    PresenceEntry otherNodes = new PresenceEntry("elsewhere-" + UUID.randomUUID(), "s-elsewhere");
    await(presence().claim(elsewhere, otherNodes, ""));

    // "s-claiming" is registered on the node, its claim not yet complete: not the node's to remove.
    PresenceReassertion done =
        await(
            otherNodesPresence()
                .reassert(node, records(node, current, "s-current"), "s-claiming"::equals));

    assertThat(done.removed()).containsExactly(gone);
    assertThat(done.restored()).isEmpty();
    assertThat(await(presence().lookup(gone))).isNull();
    assertThat(await(presence().lookup(claiming))).isEqualTo(new PresenceEntry(node, "s-claiming"));
    assertThat(await(presence().lookup(current))).isEqualTo(new PresenceEntry(node, "s-current"));
    assertThat(await(presence().lookup(elsewhere))).isEqualTo(otherNodes);
  }

  @Test
  void aStaleEntryOfTheNodeMakesWayForTheSessionOfThatNameItStillHas() {
    String node = "node-" + UUID.randomUUID();
    String name = name();
    await(presence().claim(name, new PresenceEntry(node, "s-failed-login"), ""));

    PresenceReassertion done =
        await(otherNodesPresence().reassert(node, records(node, name, "s-live"), session -> false));

    assertThat(done.removed()).containsExactly(name);
    assertThat(done.restored()).containsExactly(name);
    assertThat(await(presence().lookup(name))).isEqualTo(new PresenceEntry(node, "s-live"));
  }

  private static HeldMessage message(String frame) {
    return new HeldMessage(frame, "alice", "node-s", frame.hashCode());
  }

  @Test
  void anAwaySessionKeepsItsNameHoldsFramesAndIsResumedWithItsKeyOnce() {
    String name = name();
    PresenceEntry first = new PresenceEntry("node-a", "s1");
    await(presence().claim(name, first, "key-1"));
    await(presence().room(name, "s1", "lobby", true));

    assertThat(await(presence().goAway(name, "s1", System.currentTimeMillis() + 60_000))).isTrue();
    assertThat(await(otherNodesPresence().lookup(name)))
        .isEqualTo(new PresenceEntry("node-a", "s1", true));
    assertThat(await(otherNodesPresence().hold(name, "s1", message("one"))))
        .isEqualTo(PresenceRules.Hold.HELD);
    assertThat(await(otherNodesPresence().hold(name, "s1", message("two"))))
        .isEqualTo(PresenceRules.Hold.HELD);
    assertThat(await(presence().resume(name, "wrong", new PresenceEntry("node-b", "s2"), "k")))
        .isNull();

    PresenceRecord resumed =
        await(
            otherNodesPresence().resume(name, "key-1", new PresenceEntry("node-b", "s2"), "key-2"));

    assertThat(resumed.held()).extracting(HeldMessage::frame).containsExactly("one", "two");
    assertThat(resumed.rooms()).containsExactly("lobby");
    assertThat(await(presence().lookup(name))).isEqualTo(new PresenceEntry("node-b", "s2"));
    assertThat(await(presence().hold(name, "s1", message("late"))))
        .isEqualTo(PresenceRules.Hold.MOVED);
    assertThat(await(presence().resume(name, "key-1", new PresenceEntry("node-c", "s3"), "k")))
        .isNull();
  }

  @Test
  void heldFramesOfOneSendersNodeAreResumedInTheOrderItNumberedThem() {
    String name = name();
    await(presence().claim(name, new PresenceEntry("node-a", "s1"), "key-1"));
    await(presence().goAway(name, "s1", System.currentTimeMillis() + 60_000));

    // The holds arrive out of order (one waited for a node that stopped answering, say).
    await(presence().hold(name, "s1", new HeldMessage("second", "alice", "node-s", 2)));
    await(presence().hold(name, "s1", new HeldMessage("other", "carol", "node-t", 1)));
    await(presence().hold(name, "s1", new HeldMessage("first", "alice", "node-s", 1)));
    await(presence().hold(name, "s1", new HeldMessage("third", "alice", "node-s", 3)));

    PresenceRecord resumed =
        await(presence().resume(name, "key-1", new PresenceEntry("node-b", "s2"), "key-2"));

    assertThat(resumed.held())
        .extracting(HeldMessage::frame)
        .containsExactly("first", "second", "other", "third");
  }

  @Test
  void aBufferHoldsSoManyFramesAndNoMore() {
    String name = name();
    await(presence().claim(name, new PresenceEntry("node-a", "s1"), "key"));
    await(presence().goAway(name, "s1", System.currentTimeMillis() + 60_000));
    PresenceRules.Hold outcome = PresenceRules.Hold.HELD;
    int held = 0;
    while (outcome == PresenceRules.Hold.HELD && held < 10_000) {
      outcome = await(presence().hold(name, "s1", message("frame-" + held)));
      held += outcome == PresenceRules.Hold.HELD ? 1 : 0;
    }

    assertThat(outcome).isEqualTo(PresenceRules.Hold.FULL);
    assertThat(held).isPositive();
  }

  @Test
  void expiryRemovesOnlyAwaySessionsWhoseWindowEnded() {
    String due = name();
    String later = name();
    String connected = name();
    await(presence().claim(due, new PresenceEntry("node-a", "s1"), "k"));
    await(presence().claim(later, new PresenceEntry("node-a", "s2"), "k"));
    await(presence().claim(connected, new PresenceEntry("node-a", "s3"), "k"));
    await(presence().goAway(due, "s1", System.currentTimeMillis() - 1));
    await(presence().goAway(later, "s2", System.currentTimeMillis() + 60_000));
    await(presence().hold(due, "s1", message("lost")));

    Map<String, PresenceRecord> expired = await(otherNodesPresence().expireDue());

    assertThat(expired).containsKey(due).doesNotContainKeys(later, connected);
    assertThat(expired.get(due).session()).isEqualTo("s1");
    assertThat(await(presence().lookup(due))).isNull();
    assertThat(await(presence().lookup(later)).away()).isTrue();
    assertThat(await(presence().lookup(connected)).away()).isFalse();
  }

  @Test
  void theSessionsOfANodeThatLeftBecomeAway() {
    String dead = "dead-" + UUID.randomUUID();
    String user = name();
    String other = name();
    await(presence().claim(user, new PresenceEntry(dead, "s1"), "k"));
    await(presence().claim(other, new PresenceEntry("alive-" + UUID.randomUUID(), "s2"), "k"));

    assertThat(await(otherNodesPresence().nodeLeft(dead, System.currentTimeMillis() + 60_000)))
        .containsExactly(user);

    assertThat(await(presence().lookup(user))).isEqualTo(new PresenceEntry(dead, "s1", true));
    assertThat(await(presence().lookup(other)).away()).isFalse();
    assertThat(await(presence().countOn(dead))).isZero();
  }

  @Test
  void aFreshClaimOverAnAwaySessionReturnsWhatWasHeldForIt() {
    String name = name();
    await(presence().claim(name, new PresenceEntry("node-a", "s1"), "k"));
    await(presence().goAway(name, "s1", System.currentTimeMillis() + 60_000));
    await(presence().hold(name, "s1", message("held")));

    PresenceRecord previous =
        await(otherNodesPresence().claim(name, new PresenceEntry("node-b", "s2"), "k2"));

    assertThat(previous.isAway()).isTrue();
    assertThat(previous.held()).extracting(HeldMessage::frame).containsExactly("held");
  }
}
