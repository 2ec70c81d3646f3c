package dev.signaling.node.transport.http;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The frames an HTTP session has written to its client, numbered from 1, until the client confirms
 * it has them. A poll or a stream asks for the frames after a number, so a response that never
 * reached the client (a stream stuck in a buffering proxy, a poll cut off) loses nothing: the next
 * request asks again from where the client is.
 *
 * <p>Two budgets bound what a session holds. Frames not yet handed to any response count against
 * the too-slow limit, as unsent data on a WebSocket does. Frames handed out but not yet
 * acknowledged are kept up to {@link #RETAINED_CHARS}, oldest dropped first: a client that never
 * acknowledges works on, and only one whose response went astray with more than that in it finds
 * frames missing. Used on the session's event loop only.
 */
final class Downstream {
  /** Frames handed out but not acknowledged that are kept for a request that asks again. */
  static final long RETAINED_CHARS = 64 * 1024;

  private final ArrayDeque<String> frames = new ArrayDeque<>();
  // Sequence number of the first frame in the deque.
  private long first = 1;
  // Highest sequence number handed to a response.
  private long sent;
  // Highest sequence number the client acknowledged.
  private long acked;
  private long unsentChars;
  private long retainedChars;

  /** The sequence number of the last frame written, 0 before the first. */
  long last() {
    return first + frames.size() - 1;
  }

  void append(String frame) {
    frames.addLast(frame);
    unsentChars += frame.length();
  }

  /** Characters written but not yet handed to any response: what counts as the client's backlog. */
  long unsentChars() {
    return unsentChars;
  }

  /** The client has every frame up to {@code ack}: they need not be kept. */
  void acknowledge(long ack) {
    acked = Math.max(acked, Math.min(ack, sent));
    while (first <= acked) {
      retainedChars -= frames.removeFirst().length();
      first++;
    }
  }

  boolean hasAfter(long after) {
    return last() > after;
  }

  /**
   * Whether frames the client does not have, right after {@code after}, were dropped
   * unacknowledged: a client asking for them lost them. A request that asks from before what the
   * client has since acknowledged is merely late.
   */
  boolean lost(long after) {
    return Math.max(after, acked) < first - 1;
  }

  /**
   * The frames after {@code after}, formatted for a stream (Server-Sent Events) or a poll (a JSON
   * array's elements); marks them handed out.
   */
  String take(long after, boolean sse) {
    StringBuilder body = new StringBuilder();
    long seq = first;
    Iterator<String> each = frames.iterator();
    while (each.hasNext()) {
      String frame = each.next();
      if (seq > after) {
        if (sse) {
          body.append("id: ").append(seq).append("\ndata: ").append(oneLine(frame)).append("\n\n");
        } else {
          if (body.length() > 0) {
            body.append(',');
          }
          body.append(frame);
        }
        if (seq > sent) {
          unsentChars -= frame.length();
          retainedChars += frame.length();
          sent = seq;
        }
      }
      seq++;
    }
    while (retainedChars > RETAINED_CHARS && first <= sent) {
      retainedChars -= frames.removeFirst().length();
      first++;
    }
    return body.toString();
  }

  /**
   * {@code frame} on one line, as an event's data must be. A frame is JSON that the node built or
   * checked, so a line break in it can only be whitespace between tokens (inside strings they are
   * escaped): a space means the same.
   */
  static String oneLine(String frame) {
    if (frame.indexOf('\n') < 0 && frame.indexOf('\r') < 0) {
      return frame;
    }
    return frame.replace('\n', ' ').replace('\r', ' ');
  }
}
