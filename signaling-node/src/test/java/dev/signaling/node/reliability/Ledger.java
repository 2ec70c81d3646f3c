package dev.signaling.node.reliability;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What became of every message the load sent: the answers its sender got ({@code ack} or {@code
 * error} with {@code ref}) and how many times its target received it. Filled from the clients'
 * event loops; read after the run.
 */
final class Ledger {
  static final String ACK = "ack";
  static final String PEER_UNAVAILABLE = "peer-unavailable";
  static final String DELIVERY_FAILED = "delivery-failed";

  /** One message sent with an id. */
  static final class Sent {
    final String id;
    final String from;
    final String to;

    /** The sender's connection: its n-th login. */
    final int gen;

    final long seq;
    final long sentAt = System.nanoTime();
    final AtomicInteger answers = new AtomicInteger();
    final AtomicInteger receipts = new AtomicInteger();
    volatile String outcome;
    volatile long answeredAt;

    /** When the target first received it; 0 when it never did. */
    volatile long receivedAt;

    volatile int receivedOnLogin;

    /**
     * The close status of the sender's connection, when it closed before any answer came; 0
     * otherwise.
     */
    volatile int senderClosed;

    Sent(String id, String from, String to, int gen, long seq) {
      this.id = id;
      this.from = from;
      this.to = to;
      this.gen = gen;
      this.seq = seq;
    }

    boolean settled() {
      return answers.get() > 0 || senderClosed != 0;
    }

    @Override
    public String toString() {
      return id
          + " "
          + from
          + "#"
          + gen
          + "->"
          + to
          + " outcome="
          + outcome
          + " answers="
          + answers
          + " receipts="
          + receipts
          + (senderClosed != 0 ? " senderClosed=" + senderClosed : "");
    }
  }

  private final Map<String, Sent> sent = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger problemCount = new AtomicInteger();

  Sent sent(String id, String from, String to, int gen, long seq) {
    Sent message = new Sent(id, from, to, gen, seq);
    sent.put(id, message);
    return message;
  }

  /** An {@code ack} or an {@code error} with {@code ref} came back to {@code sender}. */
  Sent answered(String sender, String id, String outcome) {
    Sent message = sent.get(id);
    if (message == null) {
      problem("answer for an id nobody sent: " + id + " " + outcome + " to " + sender);
      return null;
    }
    if (!message.from.equals(sender)) {
      problem("answer to the wrong user: " + message + " answered to " + sender);
    }
    if (message.answers.incrementAndGet() == 1) {
      message.answeredAt = System.nanoTime();
      message.outcome = outcome;
    } else {
      problem("answered more than once: " + message + " (again: " + outcome + ")");
    }
    return message;
  }

  /** {@code receiver} got a relayed load message on the connection of its login {@code login}. */
  void received(String receiver, JsonObject frame, int login) {
    String id = frame.getString("id");
    Sent message = id == null ? null : sent.get(id);
    if (message == null) {
      problem("received a message nobody sent: " + frame.encode());
      return;
    }
    if (!message.to.equals(receiver) || !message.from.equals(frame.getString("from"))) {
      problem(
          "misrouted: " + message + " reached " + receiver + " from " + frame.getString("from"));
    }
    if (message.receipts.get() == 0) {
      message.receivedAt = System.nanoTime();
      message.receivedOnLogin = login;
    }
    if (message.receipts.incrementAndGet() > 1) {
      problem("received more than once: " + message);
    }
    // Order holds per sender connection and target: seqs of one (sender, connection, target) only
    // grow.
    String stream = message.from + "#" + message.gen + ">" + receiver;
    Long before = lastSeq.put(stream, message.seq);
    if (before != null && before >= message.seq) {
      problem(
          "out of order on "
              + stream
              + ": seq "
              + message.seq
              + " after "
              + before
              + " ("
              + timeline(message)
              + "; "
              + timeline(sent.get(message.from + ":" + before))
              + ")");
    }
  }

  /** When a message was sent, answered and received, relative to its sending, for problems. */
  private static String timeline(Sent message) {
    if (message == null) {
      return "?";
    }
    return message.id
        + " "
        + message.outcome
        + " after "
        + (message.answeredAt == 0 ? "-" : (message.answeredAt - message.sentAt) / 1_000_000)
        + " ms, received after "
        + (message.receivedAt - message.sentAt) / 1_000_000
        + " ms on login #"
        + message.receivedOnLogin;
  }

  void senderClosed(String id, int status) {
    Sent message = sent.get(id);
    if (message != null && message.answers.get() == 0) {
      message.senderClosed = status;
    }
  }

  void problem(String what) {
    if (problemCount.incrementAndGet() <= 200) {
      problems.add(what);
    }
  }

  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  int problemCount() {
    return problemCount.get();
  }

  Collection<Sent> all() {
    return sent.values();
  }

  /** Whether every message has an answer, or its sender's connection closed before one came. */
  boolean allSettled() {
    return sent.values().stream().allMatch(Sent::settled);
  }

  long unsettled() {
    return sent.values().stream().filter(message -> !message.settled()).count();
  }

  /** Acked messages whose target has not received them (yet). */
  long ackedNotReceived() {
    return sent.values().stream()
        .filter(m -> ACK.equals(m.outcome) && m.receipts.get() == 0)
        .count();
  }

  /** The figures of the messages {@code which} selects. */
  Tally tally(Predicate<Sent> which) {
    Tally tally = new Tally();
    for (Sent message : sent.values()) {
      if (which.test(message)) {
        tally.add(message);
      }
    }
    return tally;
  }

  /** Counts of what became of messages. */
  static final class Tally {
    int sent;
    int acked;
    int peerUnavailable;
    int deliveryFailed;
    final Map<String, Integer> otherErrors = new TreeMap<>();

    /** No answer, because the sender's own connection closed first: by close status. */
    final Map<Integer, Integer> senderClosed = new TreeMap<>();

    /** Of those, how many the target received all the same. */
    int senderClosedButReceived;

    /** The same by close status. */
    final Map<Integer, Integer> senderClosedReceived = new TreeMap<>();

    /** No answer although the sender's connection stayed open: silently dropped. */
    int unansweredOpen;

    int answeredTwice;
    int received;
    int receivedTwice;

    /** Acked, but the target never received it: lost. */
    int ackedNotReceived;

    /**
     * Answered with an error, and received all the same (allowed for a write nobody confirmed in
     * time).
     */
    int refusedButReceived;

    /** Of those, the longest time from the send to the receipt, in ms. */
    long refusedButReceivedMaxDelayMs;

    final List<Sent> lostExamples = new ArrayList<>();

    void add(Sent message) {
      sent++;
      received += Math.min(1, message.receipts.get());
      if (message.receipts.get() > 1) {
        receivedTwice++;
      }
      if (message.answers.get() > 1) {
        answeredTwice++;
      }
      if (message.answers.get() == 0) {
        if (message.senderClosed != 0) {
          senderClosed.merge(message.senderClosed, 1, Integer::sum);
          if (message.receipts.get() > 0) {
            senderClosedButReceived++;
            senderClosedReceived.merge(message.senderClosed, 1, Integer::sum);
          }
        } else {
          unansweredOpen++;
          example(message);
        }
        return;
      }
      String outcome = message.outcome;
      if (ACK.equals(outcome)) {
        acked++;
        if (message.receipts.get() == 0) {
          ackedNotReceived++;
          example(message);
        }
        return;
      }
      if (PEER_UNAVAILABLE.equals(outcome)) {
        peerUnavailable++;
      } else if (DELIVERY_FAILED.equals(outcome)) {
        deliveryFailed++;
      } else {
        otherErrors.merge(outcome, 1, Integer::sum);
      }
      if (message.receipts.get() > 0) {
        refusedButReceived++;
        refusedButReceivedMaxDelayMs =
            Math.max(
                refusedButReceivedMaxDelayMs, (message.receivedAt - message.sentAt) / 1_000_000);
      }
    }

    private void example(Sent message) {
      if (lostExamples.size() < 10) {
        lostExamples.add(message);
      }
    }

    int unansweredSenderClosed() {
      return senderClosed.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Lost: acked but never received, or never answered on a connection that stayed open. */
    int lost() {
      return ackedNotReceived + unansweredOpen;
    }

    @Override
    public String toString() {
      return "sent "
          + sent
          + ", acked "
          + acked
          + ", peer-unavailable "
          + peerUnavailable
          + ", delivery-failed "
          + deliveryFailed
          + (otherErrors.isEmpty() ? "" : ", other errors " + otherErrors)
          + ", unanswered because the sender's connection closed "
          + senderClosed
          + " (of which received "
          + senderClosedButReceived
          + ")"
          + ", received "
          + received
          + ", lost "
          + lost()
          + " (acked-not-received "
          + ackedNotReceived
          + ", unanswered-on-open-connection "
          + unansweredOpen
          + "), duplicates "
          + receivedTwice
          + ", answered twice "
          + answeredTwice
          + ", refused-but-received "
          + refusedButReceived
          + (refusedButReceived > 0
              ? " (received up to " + refusedButReceivedMaxDelayMs + " ms after the send)"
              : "");
    }
  }
}
