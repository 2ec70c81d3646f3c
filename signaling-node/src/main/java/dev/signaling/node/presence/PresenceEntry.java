package dev.signaling.node.presence;

/**
 * Where a user is online: the node holding its connection and the session on that connection. The
 * session tells a newer login of the same name from an older one.
 */
public record PresenceEntry(String node, String session) {}
