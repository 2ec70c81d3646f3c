package dev.signaling.node.rooms;

/**
 * What a join did.
 *
 * @param joined false when the room was full
 * @param state the room after the join (or as it was, when full)
 */
public record JoinOutcome(boolean joined, RoomState state) {}
