package dev.opshub.web.bridge.subscription;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The ids of the latest messages of one address (at most {@code capacity}, oldest forgotten first): a message whose
 * id is here is a copy (an engine that took a drill over publishes its last messages again) and is dropped. Used on
 * the table loop only.
 */
final class RecentIds {

  private final int capacity;
  private final LinkedHashSet<String> ids = new LinkedHashSet<>();

  RecentIds(int capacity) {
    this.capacity = capacity;
  }

  /** True when {@code id} was seen already; else remembers it. */
  boolean seen(String id) {
    if (capacity == 0 || !ids.add(id)) {
      return capacity > 0;
    }
    if (ids.size() > capacity) {
      Iterator<String> eldest = ids.iterator();
      eldest.next();
      eldest.remove();
    }
    return false;
  }

  void clear() {
    ids.clear();
  }
}
