package dev.opshub.hub;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * The merge policy of the engine epoch map (cluster.xml): when two sides of a partition merge, the greater epoch
 * wins, whichever side it comes from, so a later engine always takes an epoch above every one any client saw.
 * A value that is not a number loses to one that is.
 */
public final class GreatestEpochMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  public GreatestEpochMergePolicy() {
    // instantiated by Hazelcast from its class name
  }

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    return epoch(merging.getValue()) > epoch(existing.getValue()) ? merging.getRawValue() : existing.getRawValue();
  }

  static long epoch(Object value) {
    return value instanceof Number number ? number.longValue() : Long.MIN_VALUE;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // no state
  }

  @Override
  public void readData(ObjectDataInput in) {
    // no state
  }
}
