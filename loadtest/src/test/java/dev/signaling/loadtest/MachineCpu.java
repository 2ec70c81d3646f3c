package dev.signaling.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time every process of this machine has used, from Linux's {@code /proc/stat}: a benchmark
 * on a machine shared with other work subtracts its own processes' time from it to tell how busy
 * the others kept the cores while it measured, and so how far its figures can be trusted.
 */
final class MachineCpu {
  private static final Path STAT = Path.of("/proc/stat");

  /** Linux counts {@code /proc/stat} in USER_HZ, 100 per second on every common build. */
  private static final double TICKS_PER_SECOND = 100;

  private MachineCpu() {}

  /** Busy CPU seconds of all cores since boot (all but idle and I/O wait), or -1 off Linux. */
  static double busySeconds() {
    try {
      // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
      // already counted in user.
      String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i <= 8 && i < fields.length; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException unavailable) {
      return -1;
    }
  }
}
