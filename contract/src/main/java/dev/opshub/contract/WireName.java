package dev.opshub.contract;

import java.util.Locale;

/** The wire form of the contract's enums: the constant's name in lower case ({@code SCALE_UP} is {@code scale_up}). */
public final class WireName {

  private WireName() {
  }

  public static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant of {@code type} named {@code wire}.
   *
   * @throws IllegalArgumentException naming {@code what} when {@code wire} is missing or names no constant
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String wire, String what) {
    if (wire == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    try {
      return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + what + " '" + wire + "'");
    }
  }
}
