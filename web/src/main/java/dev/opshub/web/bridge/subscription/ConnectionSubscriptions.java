package dev.opshub.web.bridge.subscription;

import dev.opshub.web.bridge.delivery.ConnectionOutbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The subscriptions of one connection, at most {@code max}; used on the connection's event loop. */
public final class ConnectionSubscriptions {

  /** What became of a register. */
  public enum Registration { STARTED, ALREADY, LIMIT }

  private final NodeTable table;
  private final ConnectionOutbox outbox;
  private final Subscription.Owner owner;
  private final int max;
  /** A dashboard registers on 3-4 addresses: room for 3 before the first resize, not the default 12. */
  private final Map<String, Subscription> byAddress = new HashMap<>(4);

  public ConnectionSubscriptions(NodeTable table, ConnectionOutbox outbox, Subscription.Owner owner, int max) {
    this.table = table;
    this.outbox = outbox;
    this.owner = owner;
    this.max = max;
  }

  /** Registers on {@code address}; when {@link Registration#STARTED} the owner hears back once it is in place. */
  public Registration register(String address, ResumeRequest resume) {
    if (byAddress.containsKey(address)) {
      return Registration.ALREADY;
    }
    if (byAddress.size() >= max) {
      return Registration.LIMIT;
    }
    // the address parsed from each register frame is a new String: every connection on it shares one copy instead
    Subscription sub = new Subscription(address.intern(), resume, outbox, owner);
    byAddress.put(sub.address(), sub);
    table.subscribe(sub);
    return Registration.STARTED;
  }

  public void unregister(String address) {
    Subscription sub = byAddress.remove(address);
    if (sub != null) {
      sub.close();
      table.unsubscribe(sub);
    }
  }

  /** The node refused {@code sub}: it is no longer this connection's. */
  public void forget(Subscription sub) {
    byAddress.remove(sub.address(), sub);
  }

  public void closeAll() {
    List<Subscription> subs = new ArrayList<>(byAddress.values());
    byAddress.clear();
    for (Subscription sub : subs) {
      sub.close();
      table.unsubscribe(sub);
    }
  }
}
