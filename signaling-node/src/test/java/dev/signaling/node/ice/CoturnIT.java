package dev.signaling.node.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signaling.node.ice.TurnCredentials.TurnCredential;
import dev.signaling.node.support.Poll;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link TurnCredentials} against a real coturn, the server the scheme is coturn's: a credential we
 * issue must get an allocation, and one that is tampered with or expired must not. The test runs
 * its own {@code turnserver} on a free loopback port with no configuration file ({@code -n}), so
 * neither {@code /etc/turnserver.conf} nor a coturn system service matters. Logs land in {@code
 * target/coturn/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoturnIT {
  private static final Path DIR = Path.of("target", "coturn").toAbsolutePath();
  private static final String TURNSERVER = "turnserver";
  private static final String UCLIENT = "turnutils_uclient";

  private Coturn coturn;

  @BeforeAll
  void start() throws IOException {
    if (!onPath(TURNSERVER) || !onPath(UCLIENT)) {
      if ("true".equals(System.getenv("CI"))) {
        fail(
            "coturn is required: "
                + TURNSERVER
                + " and "
                + UCLIENT
                + " must be on the PATH (apt-get install coturn)");
      }
      assumeTrue(false, "coturn is not installed; the TURN credential test against it is skipped");
    }
    coturn = Coturn.start(DIR);
  }

  @AfterAll
  void stop() {
    if (coturn != null) {
      coturn.close();
    }
  }

  @Test
  void anIssuedCredentialGetsAnAllocationThatRelays() throws IOException {
    TurnCredential credential =
        TurnCredentials.issue(coturn.secret, "alice", Instant.now().plus(Duration.ofHours(1)));

    Allocation allocation = coturn.allocate("issued", credential);

    assertThat(allocation.exit()).as(allocation.output()).isZero();
    // The client's one message went out through one relay and back in through the other.
    assertThat(allocation.output()).contains("Total lost packets 0 (");
  }

  @Test
  void aTamperedCredentialIsRefused() throws IOException {
    TurnCredential issued =
        TurnCredentials.issue(coturn.secret, "alice", Instant.now().plus(Duration.ofHours(1)));
    String credential = issued.credential();
    String tampered = (credential.charAt(0) == 'A' ? "B" : "A") + credential.substring(1);

    assertRefused(coturn.allocate("tampered", new TurnCredential(issued.username(), tampered)));
  }

  @Test
  void anExpiredCredentialIsRefused() throws IOException {
    TurnCredential expired =
        TurnCredentials.issue(coturn.secret, "alice", Instant.now().minus(Duration.ofMinutes(1)));

    assertRefused(coturn.allocate("expired", expired));
  }

  /**
   * Refused for its credentials, not for anything else: coturn answered the user's allocation with
   * 401.
   */
  private void assertRefused(Allocation allocation) {
    assertThat(allocation.exit()).as(allocation.output()).isNotZero();
    assertThat(allocation.output()).contains("Cannot complete Allocation");
    String unauthorized =
        "user <" + allocation.username() + ">: incoming packet message processed, error 401";
    Poll.until(
        () -> coturn.log().contains(unauthorized),
        Duration.ofSeconds(5),
        "coturn logs " + unauthorized);
  }

  private static boolean onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
  }

  /** What {@code turnutils_uclient} made of one allocation attempt. */
  private record Allocation(String username, int exit, String output) {}

  /** A {@code turnserver} checking coturn REST-API credentials under a random secret. */
  private static final class Coturn implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration READY = Duration.ofSeconds(10);
    private static final Duration CLIENT = Duration.ofSeconds(12);

    final String secret;
    private final Path dir;
    private final Path log;
    private final int port;
    private final Process process;

    private Coturn(String secret, Path dir, int port, Process process) {
      this.secret = secret;
      this.dir = dir;
      this.log = dir.resolve("turnserver.log");
      this.port = port;
      this.process = process;
    }

    static Coturn start(Path dir) throws IOException {
      Files.createDirectories(dir);
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      String secret = HexFormat.of().formatHex(random);
      int port = freePort();
      List<String> command =
          List.of(
              TURNSERVER,
              "-n",
              "-v",
              "--listening-ip=127.0.0.1",
              "--listening-port=" + port,
              "--relay-ip=127.0.0.1",
              // The client's two relays talk to each other on the loopback, which coturn refuses by
              // default.
              "--allow-loopback-peers",
              "--use-auth-secret",
              "--static-auth-secret=" + secret,
              "--realm=test",
              "--no-tls",
              "--no-dtls",
              "--no-cli",
              "--log-file=stdout",
              "--pidfile=" + dir.resolve("turnserver.pid"),
              "--userdb=" + dir.resolve("turndb"));
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("turnserver.log").toFile())
              .start();
      Coturn coturn = new Coturn(secret, dir, port, process);
      try {
        Poll.until(coturn::answersStun, READY, "turnserver answers STUN on 127.0.0.1:" + port);
      } catch (AssertionError | RuntimeException e) {
        coturn.close();
        throw new AssertionError(e.getMessage() + "\n--- " + coturn.log + ":\n" + coturn.log(), e);
      }
      return coturn;
    }

    /**
     * Allocates with {@code credential} through {@code turnutils_uclient}; its output goes to a log
     * too.
     */
    Allocation allocate(String name, TurnCredential credential) throws IOException {
      Path output = dir.resolve("uclient-" + name + ".log");
      // One client (-m 1) sends one message (-n 1) to its own second relay (-y) without RTCP
      // sockets (-c).
      Process client =
          new ProcessBuilder(
                  UCLIENT,
                  "-p",
                  String.valueOf(port),
                  "-u",
                  credential.username(),
                  "-w",
                  credential.credential(),
                  "-n",
                  "1",
                  "-m",
                  "1",
                  "-y",
                  "-c",
                  "127.0.0.1")
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      try {
        if (!client.waitFor(CLIENT.toMillis(), TimeUnit.MILLISECONDS)) {
          client.destroyForcibly();
          fail(UCLIENT + " did not finish within " + CLIENT + "; see " + output);
        }
      } catch (InterruptedException e) {
        client.destroyForcibly();
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + UCLIENT);
      }
      return new Allocation(credential.username(), client.exitValue(), Files.readString(output));
    }

    String log() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Whether a STUN binding request (RFC 5389) to the listening port gets its success response.
     */
    private boolean answersStun() {
      if (!process.isAlive()) {
        throw new AssertionError(TURNSERVER + " exited with status " + process.exitValue());
      }
      byte[] request = new byte[20];
      new SecureRandom().nextBytes(request);
      ByteBuffer.wrap(request).putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442);
      try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
        socket.setSoTimeout(200);
        socket.send(new DatagramPacket(request, request.length, LOOPBACK, port));
        byte[] response = new byte[1500];
        DatagramPacket packet = new DatagramPacket(response, response.length);
        socket.receive(packet);
        return packet.getLength() >= 20
            && response[0] == 0x01
            && response[1] == 0x01
            && Arrays.equals(response, 8, 20, request, 8, 20);
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A loopback port free for both UDP and TCP, the two transports coturn listens on. */
    private static int freePort() throws IOException {
      for (int attempt = 1; ; attempt++) {
        try (DatagramSocket udp = new DatagramSocket(0, LOOPBACK);
            ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, LOOPBACK)) {
          return tcp.getLocalPort();
        } catch (BindException e) {
          if (attempt == 20) {
            throw e;
          }
        }
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
