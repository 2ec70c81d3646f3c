package dev.signaling.loadtest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a room's host has been told about the other members, to check each {@code presence} event
 * against the ones before it: only the room's own members are announced, each one's events
 * alternate online, offline, online, ... starting with online, and at the end every one of them is
 * offline again. One per virtual user (kept in its session), so it needs no locking.
 */
final class PresenceLedger {
  private final Map<String, Boolean> online = new HashMap<>();

  PresenceLedger(List<String> members) {
    members.forEach(member -> online.put(member, false));
  }

  /** Records one event; "ok", or what is wrong with it. */
  String record(Object name, Object isOnline) {
    if (!(name instanceof String member) || !online.containsKey(member)) {
      return "presence of " + name + ", who is not a member of this room";
    }
    if (!(isOnline instanceof Boolean now)) {
      return "presence of " + member + " with online = " + isOnline;
    }
    if (online.get(member).equals(now)) {
      return "presence of " + member + " online=" + now + " twice in a row";
    }
    online.put(member, now);
    return "ok";
  }

  /** "ok" once every member has gone again, or who is still online. */
  String allOffline() {
    List<String> still =
        online.entrySet().stream()
            .filter(Map.Entry::getValue)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    return still.isEmpty() ? "ok" : "still online according to presence events: " + still;
  }
}
