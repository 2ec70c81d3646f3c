package dev.signaling.node.rooms;

import dev.signaling.node.support.TestCluster;

/** The room tests with members spread over three clustered nodes. */
class ClusteredRoomTest extends RoomTests {
  @Override
  TestCluster startCluster() {
    return TestCluster.start(true, 3, CAPS);
  }
}
