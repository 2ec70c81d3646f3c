package dev.signaling.node.presence;

import dev.signaling.node.base.NodeScopedState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who is online and on which node, and what is kept of a session whose connection ended without a
 * logout while it may be resumed (see {@link PresenceRules}). Futures complete on the caller's
 * Vert.x context; no implementation blocks an event loop.
 */
public interface Presence extends NodeScopedState {

  /**
   * Records {@code entry} for {@code name}, resumable with the token whose hash is {@code
   * resumeKey} (empty: not resumable); completes with the record it replaced, or {@code null}.
   */
  Future<PresenceRecord> claim(String name, PresenceEntry entry, String resumeKey);

  /**
   * Records {@code entry} for {@code name} if the name is free or held by a session of {@code
   * ownerKey}'s (see {@link SessionOwners}), in one step: a login that owns its name never takes it
   * from another owner's session. Completes with the entry that held the name: {@code null} or one
   * of the same owner, which {@code entry} replaced; or another owner's, which is left in place and
   * means that the claim was refused.
   */
  Future<PresenceEntry> claimOwned(String name, PresenceEntry entry, String ownerKey);

  /**
   * The names online cluster-wide that start with {@code prefix}, at most {@code limit} of them in
   * no particular order: a scan of the whole map, for rare listings (PeerJS's discovery), never for
   * relays.
   */
  Future<List<String>> namesStartingWith(String prefix, int limit);

  /** Completes with the entry of {@code name}, or {@code null} when the user is not online. */
  Future<PresenceEntry> lookup(String name);

  /**
   * Where {@code name} is connected, answered from what this node learnt lately when it can: fast,
   * but possibly out of date by the time it takes a change to reach this node. Whoever uses the
   * answer must check it (a delivery to a session that is no longer there) and then ask {@link
   * #locateAgain}.
   */
  default Future<PresenceEntry> locate(String name) {
    return lookup(name);
  }

  /**
   * Where {@code name} is connected according to the presence map itself, for when an answer of
   * {@link #locate} turned out to be out of date: what this node remembered of the user is replaced
   * by the map's answer, so that the next {@code locate} does not repeat the mistake.
   */
  default Future<PresenceEntry> locateAgain(String name) {
    return lookup(name);
  }

  /**
   * Removes the entry of {@code name} if it still belongs to {@code session}: a newer login of the
   * same name is never removed by the close of an older one. Completes with the record removed
   * (whose held frames, if any, are the caller's to answer), or {@code null}.
   */
  Future<PresenceRecord> release(String name, String session);

  /**
   * Keeps {@code name} for {@code session}, away, until {@code awayUntil} (epoch milliseconds): its
   * connection ended and it may be resumed. Completes with whether the name was still that
   * session's.
   */
  Future<Boolean> goAway(String name, String session, long awayUntil);

  /** Holds {@code message} for {@code session} of {@code name}, which is away or going away. */
  Future<PresenceRules.Hold> hold(String name, String session, HeldMessage message);

  /**
   * Takes over the session of {@code name} whose resume token hashes to {@code resumeKey}, for
   * {@code entry}, resumable next with {@code freshKey}; completes with the record taken over, or
   * {@code null} when there is none to resume.
   */
  Future<PresenceRecord> resume(
      String name, String resumeKey, PresenceEntry entry, String freshKey);

  /** Records that {@code session} of {@code name} joined ({@code in}) or left {@code room}. */
  Future<Boolean> room(String name, String session, String room, boolean in);

  /** Removes every away session whose window has ended; completes with their records by name. */
  Future<Map<String, PresenceRecord>> expireDue();

  /**
   * The sessions of a node that left the cluster become away until {@code awayUntil}, as if their
   * connections had ended; completes with their names.
   */
  Future<Set<String>> nodeLeft(String node, long awayUntil);

  /** The same for every node not in {@code liveNodes}, for the sweep that catches missed events. */
  Future<Set<String>> nodesLeft(Set<String> liveNodes, long awayUntil);

  /** How many users are online, cluster-wide. */
  Future<Integer> size();

  /**
   * How many connected (not away) entries name {@code node}: a cheap check that a node's sessions
   * all have theirs.
   */
  Future<Integer> countOn(String node);

  /**
   * Makes the entries of {@code node} match its sessions, the node being the authority on them.
   * Each of {@code sessions} (name to the record it should have: the node's sessions whose claim
   * has completed and that are still open) gets its entry back where its name has none; a name held
   * by another session is left alone, since that is a newer login, and reported as superseded. A
   * connected entry that names {@code node} with a session that {@code stillHere} denies is
   * removed; {@code stillHere} is asked only after the entries were read, so a session whose claim
   * is in flight (registered before its entry is written) keeps its entry. Away entries are left to
   * their window.
   */
  Future<PresenceReassertion> reassert(
      String node, Map<String, PresenceRecord> sessions, Predicate<String> stillHere);

  @Override
  default String entriesName() {
    return "presence entries";
  }
}
