package dev.signaling.node.presence;

/** What may be held for one away session: so many frames and so many characters of them at most. */
public record ResumeLimits(int maxMessages, int maxBytes) {}
