package dev.signaling.node.routing;

/**
 * Event-bus addresses owned by one node. Only nodes are addressed, never users: per-user addresses
 * would put every login into the cluster's subscription map.
 */
final class NodeAddresses {
  private NodeAddresses() {}

  static String deliver(String nodeId) {
    return "signaling.node." + nodeId + ".deliver";
  }

  static String held(String nodeId) {
    return "signaling.node." + nodeId + ".held";
  }

  static String confirm(String nodeId) {
    return "signaling.node." + nodeId + ".confirm";
  }

  static String replace(String nodeId) {
    return "signaling.node." + nodeId + ".replace";
  }
}
