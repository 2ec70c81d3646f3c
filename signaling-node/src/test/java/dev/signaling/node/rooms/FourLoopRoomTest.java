package dev.signaling.node.rooms;

import dev.signaling.node.support.TestCluster;
import java.util.HashMap;
import java.util.Map;

/**
 * The room tests on one node with four event loops, the members' connections spread over them: room
 * events are written from the rooms' own context to sessions on every loop.
 */
class FourLoopRoomTest extends RoomTests {
  @Override
  TestCluster startCluster() {
    Map<String, String> settings = new HashMap<>(CAPS);
    settings.put("EVENT_LOOPS", "4");
    settings.put("VERTICLE_INSTANCES", "4");
    return TestCluster.start(false, 1, settings);
  }
}
