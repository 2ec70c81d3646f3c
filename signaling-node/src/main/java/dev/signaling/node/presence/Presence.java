package dev.signaling.node.presence;

import dev.signaling.node.base.NodeScopedState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who is online and on which node. Futures complete on the caller's Vert.x context; no
 * implementation blocks an event loop.
 */
public interface Presence extends NodeScopedState {

  /**
   * Records {@code entry} for {@code name}; completes with the entry it replaced, or {@code null}.
   */
  Future<PresenceEntry> claim(String name, PresenceEntry entry);

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
   * same name is never removed by the close of an older one. Completes with whether an entry was
   * removed.
   */
  Future<Boolean> release(String name, String session);

  /** How many users are online, cluster-wide. */
  Future<Integer> size();

  /** How many entries name {@code node}: a cheap check that a node's sessions all have theirs. */
  Future<Integer> countOn(String node);

  /**
   * Makes the entries of {@code node} match its sessions, the node being the authority on them.
   * Each of {@code sessions} (name to session id: the node's sessions whose claim has completed and
   * that are still open) gets its entry back where its name has none; a name held by another
   * session is left alone, since that is a newer login, and reported as superseded. An entry that
   * names {@code node} with a session that {@code stillHere} denies is removed; {@code stillHere}
   * is asked only after the entries were read, so a session whose claim is in flight (registered
   * before its entry is written) keeps its entry.
   */
  Future<PresenceReassertion> reassert(
      String node, Map<String, String> sessions, Predicate<String> stillHere);

  @Override
  default String entriesName() {
    return "presence entries";
  }
}
