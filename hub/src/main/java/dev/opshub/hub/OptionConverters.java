package dev.opshub.hub;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * picocli converters of the items of {@link OpshubCommand}'s comma lists. Each item is trimmed; an empty item
 * ({@code "a,,b"}, a trailing comma) converts to null and {@link #present} drops it, so lists written by hand or
 * joined from a JSON array read the same.
 */
final class OptionConverters {

  private OptionConverters() {
  }

  /** The items that were not empty. */
  static <T> List<T> present(List<T> items) {
    return items == null ? List.of() : items.stream().filter(Objects::nonNull).toList();
  }

  /** A role by its wire name: {@code agents}, {@code engine} or {@code web} (any case). */
  static final class RoleConverter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      if (value.isBlank()) {
        return null;
      }
      try {
        return Role.fromWire(value);
      } catch (IllegalArgumentException e) {
        throw new BadValue(e.getMessage());
      }
    }
  }

  /** A cluster member: {@code host}, {@code host:port} or {@code [ipv6]:port}, the port 1..65535. */
  static final class ClusterMemberConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String member = value.trim();
      if (member.isEmpty()) {
        return null;
      }
      if (member.startsWith(ClusterConfig.DNS_PREFIX)) {
        if (!member.substring(ClusterConfig.DNS_PREFIX.length()).matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})")) {
          throw new BadValue("'" + member + "': dns: takes a DNS name (the headless service of the cluster)");
        }
        return member;
      }
      if (member.chars().anyMatch(Character::isWhitespace) || member.contains("/")) {
        throw notAMember(member);
      }
      String port = null;
      int colon = member.indexOf(':');
      if (member.startsWith("[")) {
        int close = member.indexOf(']');
        String rest = close < 0 ? "" : member.substring(close + 1);
        if (close < 2 || !(rest.isEmpty() || rest.startsWith(":"))) {
          throw notAMember(member);
        }
        port = rest.isEmpty() ? null : rest.substring(1);
      } else if (colon >= 0 && colon == member.lastIndexOf(':')) {
        if (colon == 0) {
          throw notAMember(member);
        }
        port = member.substring(colon + 1);
      }
      // no colon: a host; several colons without brackets: an IPv6 address without a port
      if (port != null && !port.matches("[0-9]{1,5}")) {
        throw notAMember(member);
      }
      if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535)) {
        throw new BadValue("'" + member + "': the port must be 1..65535");
      }
      return member;
    }

    private static BadValue notAMember(String member) {
      return new BadValue("'" + member + "' is not host, host:port or dns:NAME");
    }
  }

  /** A web node's base URL: {@code http://} or {@code https://} and a host. */
  static final class NodeUrlConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String url = value.trim();
      if (url.isEmpty()) {
        return null;
      }
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
          return url;
        }
      } catch (URISyntaxException e) {
        // reported below like any other URL that is not http(s)
      }
      throw new BadValue("'" + url + "' is not an http:// or https:// URL");
    }
  }

  /** Any text, trimmed. */
  static final class TrimmedConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return value.isBlank() ? null : value.trim();
    }
  }

  /** A value one of these converters refused; its message names the value (the usage error adds the option). */
  static final class BadValue extends TypeConversionException {
    BadValue(String message) {
      super(message);
    }
  }
}
