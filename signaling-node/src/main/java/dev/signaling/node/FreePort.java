package dev.signaling.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks a free port for {@code HTTP_PORT=0}. The verticle instances of a node can only share a port
 * they all name: each instance asked for port 0 would get a different one.
 */
final class FreePort {
  private FreePort() {}

  static int pick(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }
}
