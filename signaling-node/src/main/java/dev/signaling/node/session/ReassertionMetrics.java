package dev.signaling.node.session;

import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of what this node's re-assertion of its sessions found to repair (see {@link
 * SessionReassertion}).
 */
public final class ReassertionMetrics {
  private final Counter restoredEntries;
  private final Counter restoredMemberships;
  private final Counter staleEntriesRemoved;
  private final Counter supersededSessions;

  public ReassertionMetrics(MeterRegistry registry) {
    restoredEntries = restored(registry, "presence-entries");
    restoredMemberships = restored(registry, "room-memberships");
    staleEntriesRemoved =
        Counter.builder(Metrics.PREFIX + "stale_entries_removed")
            .description(
                "Presence entries naming this node with a session it no longer has, removed by this node")
            .register(registry);
    supersededSessions =
        Counter.builder(Metrics.PREFIX + "superseded_sessions")
            .description(
                "Sessions of this node ended as replaced because its re-assertion found a newer login's entry")
            .register(registry);
  }

  private static Counter restored(MeterRegistry registry, String kind) {
    return Counter.builder(Metrics.PREFIX + "restored")
        .description(
            "Entries of this node's sessions that the cluster had lost, put back by this node")
        .tag("kind", kind)
        .register(registry);
  }

  void restoredEntries(int count) {
    restoredEntries.increment(count);
  }

  void restoredMemberships(int count) {
    restoredMemberships.increment(count);
  }

  void staleEntriesRemoved(int count) {
    staleEntriesRemoved.increment(count);
  }

  void supersededSession() {
    supersededSessions.increment();
  }
}
