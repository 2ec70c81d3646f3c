package dev.signaling.node.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace for one node, joined to the host by two veth pairs: one for cluster
 * traffic (Hazelcast and the event bus), one for its clients. {@link #cut()} silently drops every
 * packet on the cluster link in both directions, as a failed switch or a partition would: no link
 * goes down, no connection is refused or reset, the node's clients stay connected. {@link #heal()}
 * lets packets through again.
 *
 * <p>The drop is a token-bucket filter ({@code tc qdisc ... tbf}) whose bucket (1 byte) is smaller
 * than any packet, on the egress of both ends of the link: the tbf drops packets larger than its
 * bucket. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN), {@code ip} and {@code tc} from iproute2,
 * and a kernel with network namespaces, veth and the tbf scheduler.
 */
final class IsolatedNetwork implements AutoCloseable {
  private static final List<String> DROP_ALL =
      List.of("root", "tbf", "rate", "1kbit", "burst", "1", "latency", "1ms");

  private final String namespace;
  private final String hostClusterLink;
  private final String nodeClusterLink;
  private final String hostClientLink;
  private final String nodeClientLink;
  private final String hostClusterAddress;
  private final String nodeClusterAddress;
  private final String nodeClientAddress;
  private final List<String> commands = new ArrayList<>();
  private boolean cut;

  private IsolatedNetwork(String id, int octet2, int octet3) {
    this.namespace = "sigrel-" + id;
    this.hostClusterLink = "rc" + id + "h";
    this.nodeClusterLink = "rc" + id + "n";
    this.hostClientLink = "rk" + id + "h";
    this.nodeClientLink = "rk" + id + "n";
    this.hostClusterAddress = "10." + octet2 + "." + octet3 + ".1";
    this.nodeClusterAddress = "10." + octet2 + "." + octet3 + ".2";
    this.nodeClientAddress = "10." + octet2 + "." + (octet3 + 1) + ".2";
  }

  /**
   * Creates the namespace and both links; fails with the command and its output when that is
   * impossible.
   */
  static IsolatedNetwork create() throws IOException, InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String id = Integer.toHexString(0x100000 + random.nextInt(0xEFFFFF));
    IsolatedNetwork network =
        new IsolatedNetwork(id, 64 + random.nextInt(64), 2 * random.nextInt(120));
    try {
      network.setUp();
    } catch (IOException | RuntimeException failed) {
      network.close();
      throw failed;
    }
    return network;
  }

  private void setUp() throws IOException, InterruptedException {
    String hostClientAddress = nodeClientAddress.substring(0, nodeClientAddress.length() - 1) + "1";
    run("ip", "netns", "add", namespace);
    inNamespace("ip", "link", "set", "lo", "up");
    link(hostClusterLink, nodeClusterLink, hostClusterAddress, nodeClusterAddress);
    link(hostClientLink, nodeClientLink, hostClientAddress, nodeClientAddress);
  }

  private void link(String hostEnd, String nodeEnd, String hostAddress, String nodeAddress)
      throws IOException, InterruptedException {
    run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nodeEnd);
    run("ip", "link", "set", nodeEnd, "netns", namespace);
    run("ip", "addr", "add", hostAddress + "/24", "dev", hostEnd);
    run("ip", "link", "set", hostEnd, "up");
    inNamespace("ip", "addr", "add", nodeAddress + "/24", "dev", nodeEnd);
    inNamespace("ip", "link", "set", nodeEnd, "up");
  }

  /** What to put before a command to run it in the namespace. */
  List<String> prefix() {
    return List.of("ip", "netns", "exec", namespace);
  }

  String namespace() {
    return namespace;
  }

  /** The host's end of the cluster link: the address the nodes outside the namespace bind. */
  String hostClusterAddress() {
    return hostClusterAddress;
  }

  /** The isolated node's cluster address. */
  String nodeClusterAddress() {
    return nodeClusterAddress;
  }

  /**
   * The isolated node's address for clients, reachable from the host whether or not the cluster
   * link is cut.
   */
  String nodeClientAddress() {
    return nodeClientAddress;
  }

  /** Drops every packet on the cluster link, both ways. */
  void cut() throws IOException, InterruptedException {
    List<String> host = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", hostClusterLink));
    host.addAll(DROP_ALL);
    List<String> node = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", nodeClusterLink));
    node.addAll(DROP_ALL);
    run(host.toArray(String[]::new));
    cut = true;
    List<String> inside = new ArrayList<>(prefix());
    inside.addAll(node);
    run(inside.toArray(String[]::new));
  }

  /** Lets packets through the cluster link again. */
  void heal() throws IOException, InterruptedException {
    run("tc", "qdisc", "del", "dev", hostClusterLink, "root");
    inNamespace("tc", "qdisc", "del", "dev", nodeClusterLink, "root");
    cut = false;
  }

  /** The commands run so far, for the report. */
  List<String> commands() {
    return List.copyOf(commands);
  }

  private void inNamespace(String... command) throws IOException, InterruptedException {
    List<String> inside = new ArrayList<>(prefix());
    inside.addAll(List.of(command));
    run(inside.toArray(String[]::new));
  }

  private void run(String... command) throws IOException, InterruptedException {
    String line = String.join(" ", command);
    commands.add(line);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("`" + line + "` did not finish within 10 s");
    }
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IOException("`" + line + "` exited with " + process.exitValue() + ": " + output);
    }
  }

  /** Deletes the namespace, which deletes both veth pairs with it. */
  @Override
  public void close() {
    if (cut) {
      quietly("tc", "qdisc", "del", "dev", hostClusterLink, "root");
    }
    quietly("ip", "netns", "del", namespace);
    // Deleting the namespace deletes the veth ends in it, and with them their peers; these are for
    // the case where the namespace was never created or a link was left behind.
    quietly("ip", "link", "del", hostClusterLink);
    quietly("ip", "link", "del", hostClientLink);
  }

  private void quietly(String... command) {
    try {
      run(command);
    } catch (IOException nothingToRemove) {
      // Already gone.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
