package dev.opshub.web.bridge.subscription;

/**
 * Bounds of the node table (from the bridge options).
 *
 * @param historySize        history window per address, messages (0: no resume)
 * @param historyMaxAgeMs    history window per address, age
 * @param snapshotMaxKeys    newest-per-key entries per address
 * @param maxHandOffMessages live messages waiting per address and event loop
 * @param maxAddresses       addresses with a node-level consumer at once
 * @param maxIngressLagMs    table loop lag from which arriving messages are shed
 * @param duplicateWindow    message ids remembered per address to drop copies (0: none)
 */
public record TableSettings(int historySize, long historyMaxAgeMs, int snapshotMaxKeys, int maxHandOffMessages,
                            int maxAddresses, long maxIngressLagMs, int duplicateWindow) {
}
