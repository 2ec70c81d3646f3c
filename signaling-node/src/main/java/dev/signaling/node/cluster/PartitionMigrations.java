package dev.signaling.node.cluster;

import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import dev.signaling.node.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the cluster moves partitions after a member joins or leaves: while it does, presence and
 * room operations on the moving partitions wait. Hazelcast tells the master member, which plans the
 * migrations; on the other members the meters stay at zero.
 */
final class PartitionMigrations implements MigrationListener {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMigrations.class);

  private final Timer duration;
  private final Counter failed;

  PartitionMigrations(MeterRegistry registry) {
    this.duration =
        Timer.builder(Metrics.PREFIX + "cluster_migration")
            .description(
                "Partition migrations after a member joined or left, as the master member ran them")
            .register(registry);
    this.failed =
        Counter.builder(Metrics.PREFIX + "cluster_replica_migrations_failed")
            .description("Partition replicas whose migration failed (Hazelcast retries them)")
            .register(registry);
  }

  @Override
  public void migrationStarted(MigrationState state) {
    LOG.info("partition migration started: {} migrations planned", state.getPlannedMigrations());
  }

  @Override
  public void migrationFinished(MigrationState state) {
    duration.record(state.getTotalElapsedTime(), TimeUnit.MILLISECONDS);
    LOG.info(
        "partition migration finished: {} of {} migrations in {} ms",
        state.getCompletedMigrations(),
        state.getPlannedMigrations(),
        state.getTotalElapsedTime());
  }

  @Override
  public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
    // Counted as a whole when the migration finishes.
  }

  @Override
  public void replicaMigrationFailed(ReplicaMigrationEvent event) {
    failed.increment();
  }
}
