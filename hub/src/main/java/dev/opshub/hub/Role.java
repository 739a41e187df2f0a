package dev.opshub.hub;

import java.util.Locale;

/** What a node runs. */
public enum Role {
  AGENTS, ENGINE, WEB;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code agents}, {@code engine} or {@code web} (any case). */
  public static Role fromWire(String s) {
    for (Role role : values()) {
      if (role.wireName().equalsIgnoreCase(s.trim())) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown role '" + s.trim() + "' (expected agents, engine or web)");
  }
}
