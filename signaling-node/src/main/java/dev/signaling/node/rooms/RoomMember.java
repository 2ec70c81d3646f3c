package dev.signaling.node.rooms;

/** A session of this node as rooms know it: the user's name and the login's session id. */
public record RoomMember(String name, String sessionId) {}
