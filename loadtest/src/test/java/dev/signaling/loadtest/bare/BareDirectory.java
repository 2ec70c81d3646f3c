package dev.signaling.loadtest.bare;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who is where: the cluster-wide map of name → node id, its local mirror, and this node's own
 * sockets by name. Shared by the node's verticles.
 */
final class BareDirectory {
  static final String MAP_NAME = "bare-relay-users";

  private final IMap<String, String> users;
  private final Map<String, String> mirror = new ConcurrentHashMap<>();
  private final Map<String, ServerWebSocket> sockets = new ConcurrentHashMap<>();
  private final String nodeId;
  private final LongAdder delivered = new LongAdder();

  BareDirectory(HazelcastInstance hazelcast, String nodeId) {
    this.nodeId = nodeId;
    this.users = hazelcast.getMap(MAP_NAME);
    users.addEntryListener(new Mirror(), true);
    mirror.putAll(users);
  }

  String nodeId() {
    return nodeId;
  }

  /** The event-bus address of node {@code id}. */
  static String address(String id) {
    return "bare-relay." + id;
  }

  /** The node {@code name} is on, as last heard; null when unknown. */
  String nodeOf(String name) {
    return mirror.get(name);
  }

  ServerWebSocket socket(String name) {
    return sockets.get(name);
  }

  /** Calls {@code done} once {@code name} is in the cluster-wide map. */
  void logIn(String name, ServerWebSocket socket, Runnable done) {
    sockets.put(name, socket);
    mirror.put(name, nodeId);
    users.setAsync(name, nodeId).whenCompleteAsync((ignored, failure) -> done.run(), Runnable::run);
  }

  void logOut(String name, ServerWebSocket socket) {
    if (sockets.remove(name, socket)) {
      users.removeAsync(name);
    }
  }

  void countDelivered() {
    delivered.increment();
  }

  long delivered() {
    return delivered.sum();
  }

  private final class Mirror
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryEvictedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      mirror.put(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      mirror.put(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      mirror.remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
      mirror.remove(event.getKey());
    }
  }
}
