package dev.signaling.loadtest;

import dev.signaling.client.SignalingClient;
import dev.signaling.client.SignalingException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Routing between every ordered pair of a cluster's nodes: {@code usersPerNode} users log in on
 * each node, then every user sends {@code messages} messages with ids to every user on another
 * node, all at once, so that the first message of each pair of nodes is among the first to cross
 * between them. Prints how each was answered, whether each arrived once and in order, and the first
 * and last message's ack times; exits 1 if any message was not acked, lost, duplicated or out of
 * order.
 *
 * <p>{@code -DbaseUrls=ws://127.0.0.1:18081,...} (as the other generators take them), {@code
 * -DusersPerNode=2}, {@code -Dmessages=5}, {@code -DtimeoutSeconds=60}.
 */
public final class MeshCheck {
  private MeshCheck() {}

  public static void main(String[] args) throws Exception {
    List<URI> nodes = Params.baseUrls().stream().map(URI::create).toList();
    int usersPerNode = Params.positive("usersPerNode", 2);
    int messages = Params.positive("messages", 5);
    int timeoutSeconds = Params.positive("timeoutSeconds", 60);
    String runId = Params.runId();
    Vertx vertx = Vertx.vertx();
    try {
      System.exit(check(vertx, nodes, usersPerNode, messages, timeoutSeconds, runId) ? 0 : 1);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static boolean check(
      Vertx vertx,
      List<URI> nodes,
      int usersPerNode,
      int messages,
      int timeoutSeconds,
      String runId)
      throws Exception {
    List<String> names = new ArrayList<>();
    Map<String, Integer> nodeOf = new ConcurrentHashMap<>();
    Map<String, SignalingClient> clients = new ConcurrentHashMap<>();
    Map<String, Map<String, List<Integer>>> received = new ConcurrentHashMap<>();
    for (int node = 0; node < nodes.size(); node++) {
      for (int k = 0; k < usersPerNode; k++) {
        String name = "m" + node + "x" + k + "-" + runId;
        URI uri = nodes.get(node);
        SignalingClient client =
            SignalingClient.connect(vertx, uri.getHost(), uri.getPort())
                .await(30, TimeUnit.SECONDS)
                .stopRecording();
        Map<String, List<Integer>> bySender = new ConcurrentHashMap<>();
        client.onMessage(
            frame -> {
              if ("note".equals(frame.getString("type"))) {
                bySender
                    .computeIfAbsent(frame.getString("from"), from -> new CopyOnWriteArrayList<>())
                    .add(frame.getInteger("seq"));
              }
            });
        client.login(name).await(30, TimeUnit.SECONDS);
        received.put(name, bySender);
        names.add(name);
        nodeOf.put(name, node);
        clients.put(name, client);
      }
    }

    Map<String, Integer> outcomes = new TreeMap<>();
    List<Long> firstAcks = new ArrayList<>();
    List<Long> lastAcks = new ArrayList<>();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String sender : names) {
      for (String target : names) {
        if (nodeOf.get(sender).equals(nodeOf.get(target))) {
          continue;
        }
        for (int seq = 0; seq < messages; seq++) {
          long sentAt = System.nanoTime();
          List<Long> times = seq == 0 ? firstAcks : seq == messages - 1 ? lastAcks : null;
          answers.add(
              clients
                  .get(sender)
                  .request(
                      new JsonObject().put("type", "note").put("target", target).put("seq", seq))
                  .andThen(
                      done -> {
                        synchronized (outcomes) {
                          outcomes.merge(outcomeOf(done.cause()), 1, Integer::sum);
                          if (times != null && done.succeeded()) {
                            times.add((System.nanoTime() - sentAt) / 1_000_000);
                          }
                        }
                      }));
        }
      }
    }
    // Join completes once every answer is in, failed or not; the failures are counted above.
    Future.join(answers).otherwiseEmpty().await(timeoutSeconds, TimeUnit.SECONDS);

    List<Integer> inOrder = IntStream.range(0, messages).boxed().toList();
    int wrong = 0;
    for (String receiver : names) {
      for (String sender : names) {
        if (!nodeOf.get(sender).equals(nodeOf.get(receiver))) {
          List<Integer> got = received.get(receiver).getOrDefault(sender, List.of());
          if (!got.equals(inOrder)) {
            wrong++;
            if (wrong <= 5) {
              System.out.println("  " + receiver + " from " + sender + ": " + got);
            }
          }
        }
      }
    }
    int pairs = names.size() * (names.size() - usersPerNode);
    synchronized (outcomes) {
      System.out.printf(
          "mesh: %d nodes, %d users, %d sender-target pairs over %d ordered pairs of nodes, %d"
              + " messages: answers %s; sequences not once and in order: %d%n",
          nodes.size(),
          names.size(),
          pairs,
          nodes.size() * (nodes.size() - 1),
          pairs * messages,
          outcomes,
          wrong);
      System.out.printf(
          "  first message's ack ms: p50 %d max %d; last message's: p50 %d max %d%n",
          percentile(firstAcks, 50),
          percentile(firstAcks, 100),
          percentile(lastAcks, 50),
          percentile(lastAcks, 100));
      return wrong == 0 && outcomes.keySet().equals(Set.of("ack"));
    }
  }

  private static String outcomeOf(Throwable failure) {
    if (failure == null) {
      return "ack";
    }
    return failure instanceof SignalingException error ? error.code() : failure.toString();
  }

  private static long percentile(List<Long> values, int percent) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
  }
}
