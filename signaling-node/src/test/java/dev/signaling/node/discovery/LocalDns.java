package dev.signaling.node.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A DNS server of the test's own, Debian's dnsmasq, answering one name (a headless Service's) with
 * the addresses last published, and nothing else. Node processes started behind {@link #prefix()}
 * resolve through it alone: each runs in a mount namespace of its own ({@code unshare --mount})
 * where this server's {@code resolv.conf} and an {@code nsswitch.conf} of {@code hosts: files dns}
 * are mounted over the machine's, which stay untouched. The network stays the machine's, so the
 * nodes, the test and the server all meet on the loopback. The {@code nsswitch.conf} is needed
 * where libnss-mdns is installed (as on Debian desktops and this project's machines): its {@code
 * mdns4_minimal [NOTFOUND=return]} answers every name under {@code .local} itself, {@code
 * svc.cluster.local} included, and never lets it reach DNS.
 *
 * <p>Needs root (port 53, mount namespaces), dnsmasq (Debian's {@code dnsmasq-base}) and
 * util-linux's {@code unshare}.
 */
final class LocalDns implements AutoCloseable {
  private final String name;
  private final Path directory;
  private final Path hosts;
  private final Path log;
  private final Process dnsmasq;

  private LocalDns(String name, Path directory, Process dnsmasq) {
    this.name = name;
    this.directory = directory;
    this.hosts = directory.resolve("hosts");
    this.log = directory.resolve("dnsmasq.log");
    this.dnsmasq = dnsmasq;
  }

  /** Starts dnsmasq on {@code host}:53, answering {@code name} with no address yet. */
  static LocalDns start(String host, String name, Path directory)
      throws IOException, InterruptedException {
    // Absolute: dnsmasq changes to / once started, and reads the records file again from there.
    directory = directory.toAbsolutePath();
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("hosts"), "");
    Files.writeString(directory.resolve("resolv.conf"), "nameserver " + host + "\n");
    Files.writeString(directory.resolve("nsswitch.conf"), "hosts: files dns\n");
    probeMountNamespace(directory);
    Path log = directory.resolve("dnsmasq.log");
    Process process =
        new ProcessBuilder(
                "dnsmasq",
                "--keep-in-foreground",
                // Runs as root: dnsmasq's own user could not read the test's files on SIGHUP.
                "--user=root",
                "--listen-address=" + host,
                "--bind-interfaces",
                "--port=53",
                // No upstream, no /etc/hosts: the name published here or nothing.
                "--no-resolv",
                "--no-hosts",
                "--addn-hosts=" + directory.resolve("hosts"),
                // Its own zone, as the cluster's DNS has: a question it has no record for (AAAA)
                // is answered "no such record", not refused for want of an upstream server.
                "--local=/cluster.local/",
                // Answers are not to be cached by anyone: each lookup sees the latest records.
                "--local-ttl=0",
                "--pid-file=",
                "--log-queries",
                "--log-facility=-")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LocalDns dns = new LocalDns(name, directory, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // Bounded wait for dnsmasq's "started" line; it exits at once when it cannot bind.
    while (!Files.readString(log).contains("started")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String output = Files.readString(log);
        dns.close();
        throw new IOException("dnsmasq did not start on " + host + ":53: " + output);
      }
      Thread.sleep(50);
    }
    return dns;
  }

  /**
   * Answers the name with {@code addresses} from now on: the records file rewritten, and SIGHUP, on
   * which dnsmasq reads it again.
   */
  void publish(List<String> addresses) throws IOException, InterruptedException {
    StringBuilder records = new StringBuilder();
    for (String address : addresses) {
      records.append(address).append(' ').append(name).append('\n');
    }
    Path next = directory.resolve("hosts.next");
    Files.writeString(next, records);
    Files.move(next, hosts, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    int reads = reads();
    signal("HUP");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reads() == reads) {
      if (System.nanoTime() > deadline) {
        throw new IOException("dnsmasq did not read " + hosts + " again: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /**
   * How many times the name was looked up: its IPv4 queries (each lookup asks for IPv6 addresses
   * too).
   */
  long lookups() throws IOException {
    return Files.readAllLines(log).stream()
        .filter(line -> line.contains("query[A] " + name + " "))
        .count();
  }

  /** What to put before a command so that it resolves names through this server alone. */
  List<String> prefix() {
    return prefix(directory);
  }

  private static List<String> prefix(Path directory) {
    return List.of(
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        "mount --bind \"$1\" /etc/resolv.conf && mount --bind \"$2\" /etc/nsswitch.conf"
            + " && shift 2 && exec \"$@\"",
        "sh",
        directory.resolve("resolv.conf").toString(),
        directory.resolve("nsswitch.conf").toString());
  }

  /** Fails when the nodes could not be given this server's files (no unshare, or not root). */
  private static void probeMountNamespace(Path directory) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix(directory));
    command.add("true");
    Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes());
    if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      probe.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  private int reads() throws IOException {
    return (int)
        Files.readAllLines(log).stream().filter(line -> line.contains("read " + hosts)).count();
  }

  private void signal(String signal) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    command.add(Long.toString(dnsmasq.pid()));
    if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
      throw new IOException("kill -" + signal + " dnsmasq failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    dnsmasq.destroy();
    if (!dnsmasq.waitFor(5, TimeUnit.SECONDS)) {
      dnsmasq.destroyForcibly().waitFor();
    }
  }
}
