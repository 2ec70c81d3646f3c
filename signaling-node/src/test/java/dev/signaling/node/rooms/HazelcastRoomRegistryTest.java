package dev.signaling.node.rooms;

import dev.signaling.node.support.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The room registry contract on a real two-member Hazelcast cluster, each side using its own
 * member.
 */
class HazelcastRoomRegistryTest extends RoomRegistryContractTest {
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    // Without the oldest member's sweep, which would remove the members these tests put on made-up
    // nodes.
    cluster = TestCluster.start(true, 2, Map.of("PRESENCE_RECONCILE_SECONDS", "3600"));
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  RoomRegistry registry() {
    return cluster.node(0).rooms();
  }

  @Override
  RoomRegistry otherNodesRegistry() {
    return cluster.node(1).rooms();
  }
}
