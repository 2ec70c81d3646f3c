package dev.signaling.node.presence;

import java.util.Set;

/**
 * What {@link Presence#reassert} did.
 *
 * @param restored names whose entry was missing and now names the node's session again
 * @param superseded names held by another session than the node's: a newer login, which the node's
 *     own session must make way for
 * @param removed names whose entry named the node with a session it no longer has
 */
public record PresenceReassertion(
    Set<String> restored, Set<String> superseded, Set<String> removed) {

  public static final PresenceReassertion NOTHING =
      new PresenceReassertion(Set.of(), Set.of(), Set.of());

  public PresenceReassertion {
    restored = Set.copyOf(restored);
    superseded = Set.copyOf(superseded);
    removed = Set.copyOf(removed);
  }
}
