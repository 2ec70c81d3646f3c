package dev.signaling.node.presence;

import dev.signaling.node.SignalingNode;
import dev.signaling.node.support.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The presence contract on a real two-member Hazelcast cluster, each side using its own member. */
class HazelcastPresenceTest extends PresenceContractTest {
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.start(true, 2);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  Presence presence() {
    return node(0).presence();
  }

  @Override
  Presence otherNodesPresence() {
    return node(1).presence();
  }

  private static SignalingNode node(int index) {
    return cluster.node(index);
  }
}
