package dev.signaling.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The simulations' parameters: Java system properties ({@code -Dpairs=200}) with defaults. Maven
 * passes every {@code -D} of its command line on to the JVM that Gatling runs in.
 */
final class Params {
  private Params() {}

  static int integer(String name, int defaultValue) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 0) {
        throw new NumberFormatException("negative");
      }
      return parsed;
    } catch (NumberFormatException invalid) {
      throw new IllegalArgumentException(
          "-D" + name + " must be a whole number of at least 0; got \"" + value + "\"");
    }
  }

  static int positive(String name, int defaultValue) {
    int value = integer(name, defaultValue);
    if (value == 0) {
      throw new IllegalArgumentException("-D" + name + " must be at least 1");
    }
    return value;
  }

  static String string(String name, String defaultValue) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  /**
   * {@code -DbaseUrls=ws://127.0.0.1:18081,ws://127.0.0.1:18082}: the nodes to load, each a
   * WebSocket URL with or without the {@code /ws} path. Empty when not given: the simulation then
   * starts its own nodes.
   */
  static List<String> baseUrls() {
    List<String> urls = new ArrayList<>();
    for (String part : string("baseUrls", "").split(",")) {
      String url = part.trim();
      if (url.isEmpty()) {
        continue;
      }
      if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
        throw new IllegalArgumentException(
            "-DbaseUrls takes ws:// or wss:// URLs; got \"" + url + "\"");
      }
      String withoutScheme = url.substring(url.indexOf("//") + 2);
      urls.add(withoutScheme.contains("/") ? url : url + "/ws");
    }
    return urls;
  }

  /**
   * {@code -DrunId}: goes into every user and room name, so that two runs against one cluster (or a
   * run and the leftovers of an earlier one) never share a name. Default: fresh for every run.
   */
  static String runId() {
    String runId =
        string(
            "runId",
            Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36));
    if (!runId.matches("[A-Za-z0-9]{1,16}")) {
      throw new IllegalArgumentException(
          "-DrunId must be 1-16 letters or digits; got \"" + runId + "\"");
    }
    return runId;
  }
}
