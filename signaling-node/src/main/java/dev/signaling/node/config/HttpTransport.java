package dev.signaling.node.config;

import java.time.Duration;

/**
 * The HTTP transport, for clients whose WebSockets are blocked.
 *
 * @param enabled whether the node serves HTTP sessions at all
 * @param sessionIdle how long an HTTP session may go without any request before it is closed
 */
public record HttpTransport(boolean enabled, Duration sessionIdle) {}
