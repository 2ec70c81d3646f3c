package dev.signaling.node.reliability;

import dev.signaling.node.support.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Hosts that are apart, on one machine: each host a Linux network namespace with an address of its
 * own on {@value #SUBNET}0/24, all joined by a bridge whose own address ({@link #bridgeAddress()})
 * is this JVM's, as if it were one more host on the switch. Every host's link to the bridge delays
 * each frame by half the one-way delay in each direction, so any two hosts are {@code oneWayDelay}
 * apart (twice that round trip) and this JVM half that from each host; and caps the bandwidth with
 * {@code tc tbf} in each direction.
 *
 * <p>A host's link: {@code eth0} in the namespace, a veth whose other end carries a macvtap in
 * passthru mode; a second veth pair, one end a bridge port, the other end carrying a second
 * macvtap; a {@link FrameDelayLine} carries frames between the two macvtaps. Needs root, iproute2,
 * veth, bridge, macvtap and tbf.
 *
 * <p>All names start with {@code sph}; {@link #create} first removes any left by an earlier run
 * that could not clean up, so two runs must not share a machine at once.
 */
final class SeparateHosts implements AutoCloseable {
  /** A subnet apart from IsolatedNetwork's 10.64-127.x.x and the usual 10.0.x.x / 10.1.x.x. */
  static final String SUBNET = "10.177.0.";

  private static final String BRIDGE = "sphbr";
  private static final String BURST = "64kb";
  private static final String QUEUE_LATENCY = "50ms";
  private static final Pattern OUR_NAMESPACE = Pattern.compile("sph-host\\d+");
  private static final Pattern OUR_LINK = Pattern.compile("sph(\\d+[ab]|br)");

  /** One host: its namespace and its address. */
  record Host(int number, String namespace, String address) {
    /** What to put before a command to run it on this host. */
    List<String> prefix() {
      return List.of("ip", "netns", "exec", namespace);
    }
  }

  private final Duration oneWayDelay;
  private final String rate;
  private final List<Host> hosts = new ArrayList<>();
  private final List<FrameDelayLine> links = new ArrayList<>();
  private final List<String> commands = new ArrayList<>();

  /** Cleans up should the JVM be stopped before the test closes the hosts (a failsafe timeout). */
  private final Thread cleanUpOnExit = new Thread(SeparateHosts::removeLeftoversQuietly);

  private SeparateHosts(Duration oneWayDelay, String rate) {
    this.oneWayDelay = oneWayDelay;
    this.rate = rate;
  }

  /**
   * {@code count} hosts, {@code oneWayDelay} apart, each link capped at {@code rate} (tc syntax,
   * e.g. {@code 100mbit}) each way. Fails with the command and its output when that is impossible.
   */
  static SeparateHosts create(int count, Duration oneWayDelay, String rate)
      throws IOException, InterruptedException {
    removeLeftovers();
    SeparateHosts network = new SeparateHosts(oneWayDelay, rate);
    Runtime.getRuntime().addShutdownHook(network.cleanUpOnExit);
    try {
      network.setUp(count);
    } catch (IOException | RuntimeException failed) {
      network.close();
      throw failed;
    }
    return network;
  }

  private void setUp(int count) throws IOException, InterruptedException {
    run("ip link add " + BRIDGE + " type bridge");
    run("ip addr add " + bridgeAddress() + "/24 dev " + BRIDGE);
    run("ip link set " + BRIDGE + " up");
    for (int number = 1; number <= count; number++) {
      addHost(number);
    }
  }

  private void addHost(int number) throws IOException, InterruptedException {
    Host host = new Host(number, "sph-host" + number, SUBNET + (10 + number));
    String hostSide = "sph" + number + "a";
    String bridgePort = "sph" + number + "b";
    String bridgeSide = "sph" + number + "c";
    String cap = " root tbf rate " + rate + " burst " + BURST + " latency " + QUEUE_LATENCY;
    run("ip netns add " + host.namespace());
    hosts.add(host);
    on(host, "ip link set lo up");
    run("ip link add " + hostSide + " type veth peer name eth0 netns " + host.namespace());
    on(host, "ip addr add " + host.address() + "/24 dev eth0");
    on(host, "ip link set eth0 up");
    run("ip link set " + hostSide + " up");
    run("ip link add " + bridgePort + " type veth peer name " + bridgeSide);
    run("ip link set " + bridgePort + " master " + BRIDGE);
    run("ip link set " + bridgePort + " up");
    run("ip link set " + bridgeSide + " up");
    // The cap: out of the host on its eth0, into it on the other end of its veth.
    on(host, "tc qdisc add dev eth0" + cap);
    run("tc qdisc add dev " + hostSide + cap);
    Path toHost = macvtap(hostSide);
    Path toBridge = macvtap(bridgeSide);
    links.add(FrameDelayLine.start("sph" + number, toHost, toBridge, oneWayDelay.dividedBy(2)));
  }

  /** A passthru macvtap on {@code lower}; its character device, once the kernel has made it. */
  private Path macvtap(String lower) throws IOException, InterruptedException {
    String name = lower + "t";
    run("ip link add link " + lower + " name " + name + " type macvtap mode passthru");
    run("ip link set " + name + " up");
    String index =
        Files.readString(Path.of("/sys/class/net", name, "ifindex"), StandardCharsets.US_ASCII)
            .trim();
    Path device = Path.of("/dev/tap" + index);
    Poll.until(() -> Files.exists(device), Duration.ofSeconds(5), device + " appears");
    return device;
  }

  Host host(int number) {
    return hosts.get(number - 1);
  }

  List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** This JVM's address on the bridge. */
  String bridgeAddress() {
    return SUBNET + "1";
  }

  /** Drops every frame on the host's link, both ways, silently (no link goes down). */
  void cut(int number) {
    links.get(number - 1).cut(true);
  }

  /** Lets frames through every link again. */
  void healAll() {
    links.forEach(link -> link.cut(false));
  }

  /** For the report. */
  String describe() {
    return hosts.size()
        + " network namespaces on bridge "
        + BRIDGE
        + " ("
        + SUBNET
        + "0/24), each link delayed "
        + oneWayDelay.dividedBy(2).toNanos() / 1e6
        + " ms each way by a user-space delay line over macvtap and capped with tbf rate "
        + rate
        + " each way";
  }

  /** The commands run so far, for the report. */
  List<String> commands() {
    return List.copyOf(commands);
  }

  /**
   * What the delay lines carried and dropped since they started or were last counted, and how late
   * (beyond the delay) they let frames go; counts from zero again.
   */
  String countTraffic() {
    FrameDelayLine.Traffic sum =
        links.stream()
            .map(FrameDelayLine::countAndReset)
            .reduce(FrameDelayLine.Traffic.NONE, FrameDelayLine.Traffic::plus);
    int realTime = links.stream().mapToInt(FrameDelayLine::realTimeThreads).sum();
    return String.format(
        Locale.ROOT,
        "the links carried %d frames, on average %.3f ms later than due (at most %.1f ms; %d of"
            + " %d delay-line threads at real-time priority), dropped %d while cut and %d for a"
            + " full queue",
        sum.carried(),
        sum.carried() == 0 ? 0 : sum.lateNanos() / 1e6 / sum.carried(),
        sum.maxLateNanos() / 1e6,
        realTime,
        4 * links.size(),
        sum.droppedWhileCut(),
        sum.overflowed());
  }

  /**
   * Removes the namespaces and links an earlier run left behind (a crash, a killed JVM); deleting a
   * namespace deletes its eth0 and so the veth's other end, and deleting a veth end deletes the
   * macvtap on it.
   */
  static void removeLeftovers() throws IOException, InterruptedException {
    for (String line : output("ip", "netns", "list").split("\n")) {
      String name = line.split(" ")[0].trim();
      if (OUR_NAMESPACE.matcher(name).matches()) {
        // Nodes an earlier test JVM started there and could not stop when it died.
        for (String pid : output("ip", "netns", "pids", name).split("\\s+")) {
          if (!pid.isBlank()) {
            quietly("kill", "-9", pid);
          }
        }
        quietly("ip", "netns", "del", name);
      }
    }
    for (String line : output("ip", "-o", "link", "show").split("\n")) {
      String[] fields = line.split(":\\s+", 3);
      if (fields.length > 1) {
        String name = fields[1].split("@")[0];
        if (OUR_LINK.matcher(name).matches()) {
          quietly("ip", "link", "del", name);
        }
      }
    }
  }

  private static void removeLeftoversQuietly() {
    try {
      removeLeftovers();
    } catch (IOException | InterruptedException ignored) {
      // The next run removes what is left.
    }
  }

  private void on(Host host, String command) throws IOException, InterruptedException {
    run(String.join(" ", host.prefix()) + " " + command);
  }

  /** Runs a command whose words are separated by single spaces (none has a space of its own). */
  private void run(String command) throws IOException, InterruptedException {
    commands.add(command);
    output(command.split(" "));
  }

  private static String output(String... command) throws IOException, InterruptedException {
    String line = String.join(" ", command);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("`" + line + "` did not finish within 10 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("`" + line + "` exited with " + process.exitValue() + ": " + output);
    }
    return output;
  }

  private static void quietly(String... command) {
    try {
      output(command);
    } catch (IOException alreadyGone) {
      // Nothing to remove.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the delay lines and removes the namespaces, the links and the bridge. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanUpOnExit);
    } catch (IllegalStateException exiting) {
      // The hook runs anyway.
    }
    links.forEach(FrameDelayLine::close);
    try {
      removeLeftovers();
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not remove the namespaces and links", e);
    }
  }
}
