package dev.signaling.node.presence;

class LocalPresenceTest extends PresenceContractTest {
  private final LocalPresence presence = new LocalPresence(new ResumeLimits(4, 1000));

  @Override
  Presence presence() {
    return presence;
  }

  @Override
  Presence otherNodesPresence() {
    return presence;
  }
}
