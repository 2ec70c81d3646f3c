package dev.signaling.node.rooms;

class LocalRoomRegistryTest extends RoomRegistryContractTest {
  private final LocalRoomRegistry registry = new LocalRoomRegistry();

  @Override
  RoomRegistry registry() {
    return registry;
  }

  @Override
  RoomRegistry otherNodesRegistry() {
    return registry;
  }
}
