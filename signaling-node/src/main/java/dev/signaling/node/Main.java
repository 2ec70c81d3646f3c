package dev.signaling.node;

import dev.signaling.node.config.ConfigException;
import dev.signaling.node.config.ConfigLoader;
import dev.signaling.node.config.NodeConfig;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar signaling-node.jar}: starts one node with settings from the environment and
 * flags, and drains it on SIGTERM or SIGINT. A second signal while draining exits at once.
 */
public final class Main {
  /**
   * What stopping may take after the drain window and the last answers: the last closes, handing
   * the users over to the cluster (away, or removed) and leaving it, all under load.
   */
  private static final long STOP_SECONDS = 10;

  /** Exit status when a second signal cuts the drain short. */
  private static final int FORCED_EXIT = 130;

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(ConfigLoader.usage());
      return;
    }
    NodeConfig config;
    try {
      config = ConfigLoader.load(System.getenv(), args);
    } catch (ConfigException invalid) {
      System.err.println(invalid.getMessage());
      System.exit(2);
      return;
    }
    configureLogging(config);
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("starting with {}", config);
    SignalingNode node;
    try {
      node = SignalingNode.start(config).await(2, TimeUnit.MINUTES);
    } catch (Exception failed) {
      log.error("node failed to start", failed);
      System.exit(1);
      return;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), received -> onSignal(node, stopping, received, log));
    }
  }

  private static void onSignal(
      SignalingNode node, AtomicBoolean stopping, Signal signal, Logger log) {
    if (!stopping.compareAndSet(false, true)) {
      log.warn("SIG{} again while draining: exiting now", signal.getName());
      Runtime.getRuntime().halt(FORCED_EXIT);
    }
    log.info("SIG{} received: draining", signal.getName());
    // The window, then the answers still due to clients sent last (up to DELIVERY_TIMEOUT_MS), then
    // leaving the cluster.
    long limitSeconds =
        node.config().drainWindow().toSeconds()
            + (node.config().deliveryTimeout().toMillis() + 999) / 1000
            + STOP_SECONDS;
    Thread drain =
        new Thread(
            () -> {
              try {
                node.drainAndClose().await(limitSeconds, TimeUnit.SECONDS);
                System.exit(0);
              } catch (Exception failed) {
                log.error("drain did not finish within {} s; exiting", limitSeconds, failed);
                System.exit(1);
              }
            },
            "signaling-drain");
    drain.start();
  }

  /**
   * Picks the log format and level before the first logger exists; logback reads these at start.
   */
  private static void configureLogging(NodeConfig config) {
    System.setProperty("signaling.log.level", config.logLevel());
    if (config.jsonLogs()) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }
}
