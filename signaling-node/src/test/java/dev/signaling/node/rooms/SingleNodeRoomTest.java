package dev.signaling.node.rooms;

import dev.signaling.node.support.TestCluster;

/** The room tests on one node without a cluster. */
class SingleNodeRoomTest extends RoomTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(false, 1, CAPS);
  }
}
