package dev.signaling.node;

import dev.signaling.node.config.ConfigException;
import dev.signaling.node.config.ConfigLoader;
import dev.signaling.node.config.NodeConfig;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar signaling-node.jar}: starts one node with settings from the environment and flags. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

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
    SignalingNode node;
    try {
      node = SignalingNode.start(config).await(2, TimeUnit.MINUTES);
    } catch (Exception failed) {
      LOG.error("node failed to start", failed);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node), "signaling-shutdown"));
  }

  private static void stop(SignalingNode node) {
    CountDownLatch stopped = new CountDownLatch(1);
    node.close().onComplete(done -> stopped.countDown());
    try {
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        LOG.warn("node did not stop within 30 s; exiting anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
