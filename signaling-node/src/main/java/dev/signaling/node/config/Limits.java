package dev.signaling.node.config;

import java.time.Duration;

/**
 * What one client may cost the node. Each limit, when hit, is answered with an error code or a
 * close code the client can act on.
 *
 * @param maxMessageBytes largest message accepted (UTF-8 bytes); larger ones get message-too-large
 * @param messagesPerSecond sustained message rate per connection
 * @param messageBurst messages a connection may send at once above the rate (ICE candidates come in
 *     bursts)
 * @param maxConnectionsPerIp open WebSockets per client address on one node; more are refused with
 *     429
 * @param pingInterval how often the node pings each connection; one without any answer by the next
 *     ping is closed
 * @param maxQueuedBytes bytes waiting to be written to one slow client before it is closed with
 *     1008
 */
public record Limits(
    int maxMessageBytes,
    int messagesPerSecond,
    int messageBurst,
    int maxConnectionsPerIp,
    Duration pingInterval,
    int maxQueuedBytes) {}
