package dev.signaling.node.rooms;

import java.util.List;

/**
 * What {@link RoomRegistry#restore} did.
 *
 * @param state the room as stored afterwards
 * @param restored the members that were missing and are back
 */
public record RoomRestore(RoomState state, List<String> restored) {

  public RoomRestore {
    restored = List.copyOf(restored);
  }
}
