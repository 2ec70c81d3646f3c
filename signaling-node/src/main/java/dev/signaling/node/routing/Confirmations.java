package dev.signaling.node.routing;

/**
 * The outcomes of deliveries one node received from another, sent back to their origin in one
 * event-bus message: for each delivery its number and what {@link LocalDelivery#write} answered.
 */
public record Confirmations(long[] seqs, int[] results) {

  /** How many outcomes it carries. */
  int size() {
    return seqs.length;
  }
}
