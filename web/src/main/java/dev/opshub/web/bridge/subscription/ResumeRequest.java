package dev.opshub.web.bridge.subscription;

/**
 * What a register asks to get first (its headers {@code epoch}, {@code offset}, {@code snapshot}).
 *
 * @param epoch    the last epoch the client saw, or {@link EncodedMessage#NONE}
 * @param offset   the last offset it saw in that epoch, or {@link EncodedMessage#NONE}
 * @param snapshot {@code snapshot: "true"}: the newest message per key first
 */
public record ResumeRequest(long epoch, long offset, boolean snapshot) {

  /** A plain register: live messages only. */
  public static final ResumeRequest LIVE = new ResumeRequest(EncodedMessage.NONE, EncodedMessage.NONE, false);

  public boolean resumes() {
    return epoch != EncodedMessage.NONE;
  }
}
