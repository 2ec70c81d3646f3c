package dev.signaling.node.routing;

/** A frame for one session on another node, as it crosses the event bus. */
public record Delivery(String target, String session, String frame) {
}
