package dev.opshub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.MergingValue;
import org.junit.jupiter.api.Test;

/** The epoch map merges to the greater epoch, whichever side it comes from. */
class GreatestEpochMergePolicyTest {

  private final GreatestEpochMergePolicy policy = new GreatestEpochMergePolicy();

  @Test
  void theGreaterEpochWinsFromEitherSide() {
    assertThat(policy.merge(value(200L), value(100L))).isEqualTo("raw:200");
    assertThat(policy.merge(value(100L), value(200L))).isEqualTo("raw:200");
    assertThat(policy.merge(value(100L), value(100L))).isEqualTo("raw:100");
  }

  @Test
  void anEntryOnlyOneSideHasIsKept() {
    assertThat(policy.merge(value(300L), null)).isEqualTo("raw:300");
  }

  @Test
  void aValueThatIsNotANumberLoses() {
    assertThat(policy.merge(value("junk"), value(5L))).isEqualTo("raw:5");
    assertThat(policy.merge(value(5L), value("junk"))).isEqualTo("raw:5");
  }

  private static MergingValue<Object> value(Object value) {
    return new MergingValue<>() {
      @Override
      public Object getValue() {
        return value;
      }

      @Override
      public Object getRawValue() {
        return "raw:" + value;
      }
    };
  }
}
