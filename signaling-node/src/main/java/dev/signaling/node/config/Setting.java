package dev.signaling.node.config;

import java.util.Locale;

/**
 * One setting: its environment variable, the matching CLI flag, its default and what it means. The
 * list is the single source for parsing, {@code --help} and the README's table.
 */
public enum Setting {
  HTTP_HOST("0.0.0.0", "Interface the HTTP/WebSocket server binds."),
  HTTP_PORT("8080", "HTTP/WebSocket port (WebSocket endpoint: /ws)."),
  CLUSTER_HOST(
      "127.0.0.1", "Address Hazelcast and the event bus bind and advertise to other nodes."),
  CLUSTER_PORT("5701", "First Hazelcast port tried; the next free one is taken if busy."),
  CLUSTER_EVENT_BUS_PORT(
      "0",
      "Port of the clustered event bus on CLUSTER_HOST (0: any free port; fix it where a"
          + " firewall or NetworkPolicy must name it)."),
  CLUSTER_MEMBERS(
      "127.0.0.1",
      "Comma-separated host[:port] of nodes to join; a host without port is tried on"
          + " the first ports from CLUSTER_PORT."),
  CLUSTER_NAME("signaling", "Cluster name; nodes only join a cluster of the same name."),
  CLUSTER_DISCOVERY(
      "tcp",
      "tcp (join CLUSTER_MEMBERS), kubernetes (see CLUSTER_SERVICE_*), or none (a single node, no Hazelcast)."),
  CLUSTER_SERVICE_DNS(
      "", "kubernetes: DNS name of the headless Service listing the nodes (DNS lookup, no RBAC)."),
  CLUSTER_SERVICE_NAME(
      "", "kubernetes without CLUSTER_SERVICE_DNS: the Service whose endpoints the API lists."),
  CLUSTER_NAMESPACE("", "kubernetes API mode: the namespace (default: the pod's own)."),
  CLUSTER_KUBERNETES_API_URL(
      "",
      "kubernetes API mode: base URL of the Kubernetes API server (default:"
          + " https://kubernetes.default.svc, as seen from a pod)."),
  CLUSTER_KUBERNETES_TOKEN_FILE(
      "",
      "kubernetes API mode: file holding the API's bearer token, read once at start (default: the"
          + " pod's service-account token, read again at every request)."),
  CLUSTER_KUBERNETES_CA_FILE(
      "",
      "kubernetes API mode: PEM file of the CA that signed the API server's certificate (default:"
          + " the pod's service-account ca.crt)."),
  STUN_URLS(
      "",
      "Comma-separated STUN URLs handed to clients in login-ok's iceServers (e.g. stun:stun.example.org:3478)."),
  TURN_URLS(
      "",
      "Comma-separated TURN URLs handed to clients (e.g. turn:turn.example.org:3478?transport=udp)."),
  TURN_SECRET(
      "",
      "coturn's static-auth-secret: with it, clients get ephemeral TURN credentials (never logged)."),
  TURN_TTL_SECONDS("3600", "Lifetime of issued TURN credentials."),
  DRAIN_SECONDS(
      "10", "On SIGTERM, the window over which connected clients are told to go away and closed."),
  MANAGEMENT_PORT(
      "",
      "Serve /metrics and /health/* on this port instead of the HTTP port (empty: the HTTP port)."),
  LOG_FORMAT("plain", "plain (one line per event) or json (one JSON object per line)."),
  LOG_LEVEL("INFO", "Log level: ERROR, WARN, INFO, DEBUG or TRACE."),
  JWT_HS256_SECRET(
      "",
      "Secret for HS256 login tokens; with any JWT key set, logins need a token (never logged)."),
  JWT_PUBLIC_KEY_FILE("", "PEM public key file for RS256 or ES256 login tokens."),
  JWKS_FILE("", "JSON Web Key Set file ({\"keys\":[...]}) for login tokens."),
  JWT_ISSUER("", "Required iss claim of login tokens (empty: any)."),
  JWT_AUDIENCE("", "Required aud claim of login tokens (empty: any)."),
  ALLOW_ANONYMOUS(
      "false", "true: accept logins by name without a token even when a JWT key is set."),
  ALLOWED_ORIGINS(
      "",
      "Comma-separated origins allowed to open WebSockets and HTTP sessions (empty: this node's own"
          + " and localhost)."),
  MAX_MESSAGE_BYTES("65536", "Largest client message (message-too-large beyond)."),
  RATE_LIMIT_PER_SECOND(
      "50", "Messages per second a connection may send on average (read more slowly beyond)."),
  RATE_LIMIT_BURST("200", "Messages a connection may send at once above that rate."),
  MAX_CONNECTIONS_PER_IP(
      "200", "Open WebSockets and HTTP sessions per client address on one node (HTTP 429 beyond)."),
  PING_INTERVAL_SECONDS(
      "25", "WebSocket ping period; a connection silent for two periods is closed."),
  MAX_QUEUED_BYTES("1048576", "Bytes queued for one slow client before it is closed with 1008."),
  EVENT_LOOPS(
      "",
      "Event-loop threads, which do all the node's work but Hazelcast's; default: one per core."),
  VERTICLE_INSTANCES(
      "", "WebSocket verticle instances sharing the port; default: one per event loop."),
  HTTP_TRANSPORT_ENABLED(
      "true",
      "true: clients whose WebSockets are blocked may use the HTTP transport at /http (false: only"
          + " WebSockets)."),
  HTTP_SESSION_IDLE_SECONDS(
      "30",
      "An HTTP session from which no request has come for this long is closed, as a dropped"
          + " connection."),
  LOGIN_TIMEOUT_SECONDS("10", "A connection without a successful login is closed after this."),
  DELIVERY_TIMEOUT_MS(
      "3000",
      "How long a relay waits for the presence map to locate the target, and for the target's node to confirm the write."),
  CONFIRM_BATCH_MS(
      "20",
      "How long a node may hold the confirmation that it wrote a message from another node, to send it with others in one batch instead of a reply each. Acks come up to this much later; 0: a reply per message."),
  MAX_ROOMS_PER_USER("16", "Rooms one session may be in at once (too-many-rooms beyond)."),
  MAX_ROOM_MEMBERS("100", "Members a room may have (room-full beyond)."),
  PRESENCE_RECONCILE_SECONDS(
      "10",
      "Period of the sweep that removes presence entries and room memberships of departed nodes."),
  PRESENCE_REASSERT_SECONDS(
      "3",
      "Period of the check that this node's sessions all have their presence entries;"
          + " on a mismatch, a membership change and every tenth period, missing entries and room memberships are"
          + " restored."),
  PEERJS_ENABLED(
      "true", "Serve the PeerJS server protocol: WebSocket /peerjs, HTTP /<PEERJS_KEY>/id."),
  PEERJS_KEY("peerjs", "The key PeerJS clients must present (PeerJS server's key)."),
  PEERJS_EXPIRE_TIMEOUT_MS(
      "5000",
      "How long a PeerJS message to an id not connected is held before its sender gets EXPIRE."),
  PEERJS_ALIVE_TIMEOUT_MS(
      "60000", "A PeerJS client silent this long (no HEARTBEAT, no message) is dropped."),
  PEERJS_DISCOVERY("false", "true: GET /<PEERJS_KEY>/peers lists the PeerJS ids online."),
  PEERJS_CONCURRENT_LIMIT("5000", "PeerJS connections one node takes at once."),
  CLUSTER_HEARTBEAT_SECONDS("1", "Hazelcast heartbeat period."),
  CLUSTER_MAX_NO_HEARTBEAT_SECONDS(
      "5", "Silence after which a member is declared dead and its users reaped."),
  RESUME_SECONDS(
      "30",
      "How long a session whose connection ended without a logout may be resumed, on any node, with"
          + " its resume token; 0 turns resume off."),
  RESUME_BUFFER_MESSAGES("256", "Messages held at most for one user while it is away."),
  RESUME_BUFFER_BYTES(
      "262144", "Characters of messages held at most for one user while it is away.");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String env() {
    return name();
  }

  /** The CLI flag: {@code HTTP_PORT} is {@code --http-port}. */
  public String flag() {
    return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
