package dev.signaling.node.rooms;

/** One member coming online in a room or going away from it. */
public record RoomChange(String name, boolean online) {}
