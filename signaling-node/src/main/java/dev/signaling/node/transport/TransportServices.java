package dev.signaling.node.transport;

import dev.signaling.node.health.NodeHealth;
import dev.signaling.node.security.OriginPolicy;
import dev.signaling.node.session.SessionServices;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What the transport layer works with, shared by every verticle instance of a node. */
public record TransportServices(
    SessionServices sessions,
    OriginPolicy origins,
    NodeHealth health,
    OpenConnections connections,
    PrometheusMeterRegistry registry) {}
