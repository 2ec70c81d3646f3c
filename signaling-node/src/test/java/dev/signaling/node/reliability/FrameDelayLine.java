package dev.signaling.node.reliability;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A cable with a fixed delay, in user space: carries every Ethernet frame from one macvtap device
 * to the other, and back, each after {@code delay}, in the order they came, as {@code tc netem
 * delay} would. It exists because netem is not in every kernel (the machine this test was written
 * on has no {@code sch_netem} and loads no modules), while macvtap is in most.
 *
 * <p>A macvtap device in {@code passthru} mode hands every frame its lower device receives to
 * whoever reads {@code /dev/tapN}, and sends out of its lower device whatever is written there.
 * Frames keep the 10-byte virtio header macvtap puts before them, which the other device expects.
 * {@link #cut} drops every frame both ways, silently, as an unplugged cable whose carrier stays up.
 */
final class FrameDelayLine implements AutoCloseable {
  /** Frames held at most per direction, as netem's default limit; more are dropped (overflowed). */
  private static final int LIMIT = 1000;

  /** Room for the largest frame macvtap hands over: a 64 KiB GSO frame and its headers. */
  private static final int MAX_FRAME = 65536 + 256;

  private final long delayNanos;
  private final List<RandomAccessFile> devices = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong carried = new AtomicLong();
  private final AtomicLong droppedWhileCut = new AtomicLong();
  private final AtomicLong overflowed = new AtomicLong();
  private final AtomicLong totalLateNanos = new AtomicLong();
  private final AtomicLong maxLateNanos = new AtomicLong();
  private final AtomicInteger realTimeThreads = new AtomicInteger();
  private volatile boolean cut;
  private volatile boolean closed;

  private record Frame(long due, byte[] bytes) {}

  private FrameDelayLine(Duration delay) {
    this.delayNanos = delay.toNanos();
  }

  /** Opens both devices and starts carrying frames between them. */
  static FrameDelayLine start(String name, Path deviceA, Path deviceB, Duration delay)
      throws IOException {
    FrameDelayLine line = new FrameDelayLine(delay);
    try {
      RandomAccessFile a = line.open(deviceA);
      RandomAccessFile b = line.open(deviceB);
      line.carry(name + "-ab", a, b);
      line.carry(name + "-ba", b, a);
    } catch (IOException | RuntimeException failed) {
      line.close();
      throw failed;
    }
    return line;
  }

  private RandomAccessFile open(Path device) throws IOException {
    RandomAccessFile file = new RandomAccessFile(device.toFile(), "rw");
    devices.add(file);
    return file;
  }

  /**
   * One direction: a reader that stamps each frame with when it is due and a writer that sends it
   * then. Each has a channel of its own on the same descriptor: a FileChannel serialises reads with
   * writes, and a second open of a macvtap device would be a second queue taking half the frames.
   */
  private void carry(String name, RandomAccessFile from, RandomAccessFile to) throws IOException {
    FileChannel in = new FileInputStream(from.getFD()).getChannel();
    FileChannel out = new FileOutputStream(to.getFD()).getChannel();
    BlockingQueue<Frame> onTheWire = new ArrayBlockingQueue<>(LIMIT);
    start(name + "-read", () -> read(in, onTheWire));
    start(name + "-write", () -> write(onTheWire, out));
  }

  private void start(String name, Runnable body) {
    Runnable raisedFirst =
        () -> {
          if (raisePriority()) {
            realTimeThreads.incrementAndGet();
          }
          body.run();
        };
    Thread thread = new Thread(raisedFirst, "delay-line-" + name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  /**
   * Asks for real-time scheduling (SCHED_FIFO) for the calling thread, as netem's timers run ahead
   * of every process: on a loaded machine a thread at normal priority wakes milliseconds late. The
   * threads only block and copy, so they cannot starve the machine. Where it is refused (not root,
   * no {@code chrt}), the line runs at normal priority, and {@link Traffic#lateNanos} shows it.
   */
  private static boolean raisePriority() {
    try {
      String tid = Files.readString(Path.of("/proc/thread-self/stat")).split(" ", 2)[0];
      Process chrt =
          new ProcessBuilder("chrt", "--fifo", "--pid", "50", tid)
              .redirectErrorStream(true)
              .start();
      return chrt.waitFor(5, TimeUnit.SECONDS) && chrt.exitValue() == 0;
    } catch (IOException refused) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void read(FileChannel in, BlockingQueue<Frame> onTheWire) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_FRAME);
    try {
      while (!closed) {
        buffer.clear();
        int length = in.read(buffer);
        long now = System.nanoTime();
        if (length <= 0) {
          continue;
        }
        if (cut) {
          droppedWhileCut.incrementAndGet();
          continue;
        }
        byte[] frame = new byte[length];
        buffer.flip().get(frame);
        if (!onTheWire.offer(new Frame(now + delayNanos, frame))) {
          overflowed.incrementAndGet();
        }
      }
    } catch (AsynchronousCloseException stopped) {
      // Closed by close().
    } catch (IOException failed) {
      if (!closed) {
        throw new IllegalStateException("delay line read failed", failed);
      }
    }
  }

  private void write(BlockingQueue<Frame> onTheWire, FileChannel out) {
    try {
      while (!closed) {
        Frame frame = onTheWire.take();
        long left;
        while ((left = frame.due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(left);
          if (Thread.interrupted()) {
            return;
          }
        }
        if (cut) {
          droppedWhileCut.incrementAndGet();
          continue;
        }
        // How much later than due, for the report: the scheduler's part, on top of the delay.
        long late = System.nanoTime() - frame.due;
        out.write(ByteBuffer.wrap(frame.bytes));
        carried.incrementAndGet();
        totalLateNanos.addAndGet(late);
        maxLateNanos.accumulateAndGet(late, Math::max);
      }
    } catch (InterruptedException | ClosedByInterruptException stopped) {
      // Closed by close().
    } catch (IOException failed) {
      if (!closed) {
        throw new IllegalStateException("delay line write failed", failed);
      }
    }
  }

  /** From now on drops every frame both ways, also those already on their way; or stops that. */
  void cut(boolean cut) {
    this.cut = cut;
  }

  /** What the lines carried and dropped since they started or were last counted. */
  record Traffic(
      long carried, long lateNanos, long maxLateNanos, long droppedWhileCut, long overflowed) {
    static final Traffic NONE = new Traffic(0, 0, 0, 0, 0);

    Traffic plus(Traffic other) {
      return new Traffic(
          carried + other.carried,
          lateNanos + other.lateNanos,
          Math.max(maxLateNanos, other.maxLateNanos),
          droppedWhileCut + other.droppedWhileCut,
          overflowed + other.overflowed);
    }
  }

  /** What this line did since it started or was last counted; counts from zero again. */
  Traffic countAndReset() {
    return new Traffic(
        carried.getAndSet(0),
        totalLateNanos.getAndSet(0),
        maxLateNanos.getAndSet(0),
        droppedWhileCut.getAndSet(0),
        overflowed.getAndSet(0));
  }

  /** How many of its four threads run at real-time priority. */
  int realTimeThreads() {
    return realTimeThreads.get();
  }

  /**
   * Stops both directions: interrupting a thread blocked in a FileChannel read closes the channel
   * and wakes it, which a plain close of the descriptor would not.
   */
  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (RandomAccessFile device : devices) {
      try {
        device.close();
      } catch (IOException alreadyClosed) {
        // The interrupted channel closed it.
      }
    }
  }
}
