package dev.opshub.engine;

/**
 * Whether this node's side of the cluster may run an engine: with a quorum of N configured, only while it sees at
 * least N members (so of two sides cut apart, at most one acts). Implementations answer from local state, from any
 * thread.
 */
public interface Quorum {

  /** No quorum configured: always present (the embedded single node, or a cluster that accepts split brains). */
  Quorum NONE = new Quorum() {
    @Override
    public int required() {
      return 0;
    }

    @Override
    public boolean present() {
      return true;
    }
  };

  /** The members a side needs, 0 when no quorum is configured. */
  int required();

  /** True while this side has the quorum (always true when none is configured). */
  boolean present();
}
