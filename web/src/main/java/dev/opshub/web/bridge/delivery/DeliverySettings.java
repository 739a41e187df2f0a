package dev.opshub.web.bridge.delivery;

/**
 * How the delivery layer batches and bounds (from the bridge options; durations in ns).
 *
 * @param maxBatchMessages   most messages in one frame
 * @param lingerNanos        longest a busy connection's partial batch waits (0: never)
 * @param fillWaitNanos      the longer wait of a busy connection whose pace fills a frame within it (0: off)
 * @param flushGroups        groups per event loop whose busy connections flush at the same grid instants
 * @param maxQueueMessages   queue bound in messages
 * @param maxQueueBytes      queue bound in encoded bytes
 * @param conflation         conflate state messages when the queue is full
 * @param slowConsumerGraceNanos how long a queue may overflow before the connection is closed as a slow consumer
 */
public record DeliverySettings(int maxBatchMessages, long lingerNanos, long fillWaitNanos, int flushGroups,
                               int maxQueueMessages, long maxQueueBytes, boolean conflation, long slowConsumerGraceNanos) {

  public DeliverySettings {
    if (maxBatchMessages < 1 || flushGroups < 1 || maxQueueMessages < 1 || maxQueueBytes < 1) {
      throw new IllegalArgumentException("batch, groups and queue bounds must be > 0");
    }
    if (lingerNanos < 0 || slowConsumerGraceNanos < 1) {
      throw new IllegalArgumentException("linger must be >= 0 and the slow-consumer grace > 0");
    }
    // the fill wait only means something when it is longer than the linger
    fillWaitNanos = lingerNanos > 0 && fillWaitNanos > lingerNanos ? fillWaitNanos : 0;
  }
}
