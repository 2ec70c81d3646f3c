package dev.signaling.node.support;

import dev.signaling.node.presence.HeldMessage;
import dev.signaling.node.presence.Presence;
import dev.signaling.node.presence.PresenceEntry;
import dev.signaling.node.presence.PresenceReassertion;
import dev.signaling.node.presence.PresenceRecord;
import dev.signaling.node.presence.PresenceRules;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A node's presence that can be told to fail, as a store that does not answer would: claims
 * (logins) and lookups (relays) fail while they are switched off; everything else goes to the real
 * one.
 */
public final class FailingPresence implements Presence {
  private final Presence real;
  public volatile boolean claimsFail;
  public volatile boolean lookupsFail;

  public FailingPresence(Presence real) {
    this.real = real;
  }

  private static <T> Future<T> noAnswer() {
    return Future.failedFuture(
        new IllegalStateException("the presence store did not answer (on purpose)"));
  }

  @Override
  public Future<PresenceRecord> claim(String name, PresenceEntry entry, String resumeKey) {
    return claimsFail ? noAnswer() : real.claim(name, entry, resumeKey);
  }

  @Override
  public Future<PresenceEntry> claimOwned(String name, PresenceEntry entry, String ownerKey) {
    return claimsFail ? noAnswer() : real.claimOwned(name, entry, ownerKey);
  }

  @Override
  public Future<List<String>> namesStartingWith(String prefix, int limit) {
    return lookupsFail ? noAnswer() : real.namesStartingWith(prefix, limit);
  }

  @Override
  public Future<PresenceEntry> lookup(String name) {
    return lookupsFail ? noAnswer() : real.lookup(name);
  }

  @Override
  public Future<PresenceEntry> locate(String name) {
    return lookupsFail ? noAnswer() : real.locate(name);
  }

  @Override
  public Future<PresenceEntry> locateAgain(String name) {
    return lookupsFail ? noAnswer() : real.locateAgain(name);
  }

  @Override
  public Future<PresenceRecord> release(String name, String session) {
    return real.release(name, session);
  }

  @Override
  public Future<Boolean> goAway(String name, String session, long awayUntil) {
    return real.goAway(name, session, awayUntil);
  }

  @Override
  public Future<PresenceRules.Hold> hold(String name, String session, HeldMessage message) {
    return real.hold(name, session, message);
  }

  @Override
  public Future<PresenceRecord> resume(
      String name, String resumeKey, PresenceEntry entry, String freshKey) {
    return claimsFail ? noAnswer() : real.resume(name, resumeKey, entry, freshKey);
  }

  @Override
  public Future<Boolean> room(String name, String session, String room, boolean in) {
    return real.room(name, session, room, in);
  }

  @Override
  public Future<Map<String, PresenceRecord>> expireDue() {
    return real.expireDue();
  }

  @Override
  public Future<Set<String>> nodeLeft(String node, long awayUntil) {
    return real.nodeLeft(node, awayUntil);
  }

  @Override
  public Future<Set<String>> nodesLeft(Set<String> liveNodes, long awayUntil) {
    return real.nodesLeft(liveNodes, awayUntil);
  }

  @Override
  public Future<Integer> size() {
    return real.size();
  }

  @Override
  public Future<Integer> countOn(String node) {
    return real.countOn(node);
  }

  @Override
  public Future<PresenceReassertion> reassert(
      String node, Map<String, PresenceRecord> sessions, Predicate<String> stillHere) {
    return real.reassert(node, sessions, stillHere);
  }

  @Override
  public Future<Set<String>> removeNode(String node) {
    return real.removeNode(node);
  }

  @Override
  public Future<Set<String>> removeAllExcept(Set<String> liveNodes) {
    return real.removeAllExcept(liveNodes);
  }
}
