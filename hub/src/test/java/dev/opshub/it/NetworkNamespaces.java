package dev.opshub.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small routed network made of Linux network namespaces, for partition tests: one router namespace with a bridge
 * per side ({@code 10.X.1.0/24} and {@code 10.X.2.0/24}, {@code X} random per run), one namespace per node with its
 * own address on its side's bridge ({@link #addNode}), and a veth from the root namespace into the router, so the test JVM reaches every
 * node. {@link #cut()} drops every packet between the two sides in the router (nftables, forward hook), Hazelcast and
 * event bus alike; {@link #heal()} removes the rule. {@link #close()} deletes every namespace it made (their veths
 * and the root route go with them). Needs root, {@code ip netns} and {@code nft}: {@link #assumeAvailable()} skips
 * the test otherwise, or fails it with system property {@code opshub.requireNetns=true} (CI).
 */
final class NetworkNamespaces implements AutoCloseable {

  /** The two sides of the cut. */
  enum Side { A, B }

  private static final String CUT_TABLE = "opshub_cut";

  private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  private final int net = ThreadLocalRandom.current().nextInt(100, 200);
  private final String router = "opr-" + tag;
  private final String hostLink = "oph" + tag;
  private final List<String> namespaces = new ArrayList<>();
  private int nodes;

  /** Skips (or, with {@code opshub.requireNetns=true}, fails) the calling test where namespaces cannot be made. */
  static void assumeAvailable() {
    String missing = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      missing = "not running as root";
    } else if (run("ip", "netns", "list") != 0) {
      missing = "'ip netns' unavailable (install iproute2)";
    } else if (run("nft", "--version") != 0) {
      missing = "'nft' unavailable (apt-get install nftables)";
    } else {
      // root without the right to make namespaces (a restricted container) is no better
      String probe = "opprobe-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
      if (run("ip", "netns", "add", probe) != 0) {
        missing = "cannot create a network namespace here";
      } else {
        run("ip", "netns", "del", probe);
      }
    }
    if (missing != null) {
      String message = "network namespaces unavailable: " + missing;
      if (Boolean.getBoolean("opshub.requireNetns")) {
        throw new AssertionError(message + " (opshub.requireNetns=true)");
      }
      Assumptions.abort(message + "; partition test skipped");
    }
  }

  /** Creates the router, its two bridges and the link from the root namespace. */
  static NetworkNamespaces create() {
    NetworkNamespaces network = new NetworkNamespaces();
    try {
      network.build();
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  private void build() {
    addNamespace(router);
    exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    sh("ip", "link", "add", hostLink, "type", "veth", "peer", "name", "uplink", "netns", router);
    sh("ip", "addr", "add", prefix() + "0.1/30", "dev", hostLink);
    sh("ip", "link", "set", hostLink, "up");
    exec(router, "ip", "addr", "add", prefix() + "0.2/30", "dev", "uplink");
    exec(router, "ip", "link", "set", "uplink", "up");
    sh("ip", "route", "add", prefix() + "0.0/16", "via", prefix() + "0.2", "dev", hostLink);
    for (Side side : Side.values()) {
      String bridge = "br" + side.name().toLowerCase(Locale.ROOT);
      exec(router, "ip", "link", "add", bridge, "type", "bridge");
      exec(router, "ip", "addr", "add", gateway(side) + "/24", "dev", bridge);
      exec(router, "ip", "link", "set", bridge, "up");
    }
  }

  /** A node's namespace and its address there. */
  record Host(String namespace, String address) {
  }

  /** A new node namespace on {@code side} with address {@code 10.X.<side>.<host>}. */
  Host addNode(Side side, int host) {
    String ns = "opn-" + tag + "-" + (++nodes);
    String address = prefix() + subnet(side) + "." + host;
    addNamespace(ns);
    String veth = "v" + nodes;
    exec(router, "ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    exec(router, "ip", "link", "set", veth, "master", "br" + side.name().toLowerCase(Locale.ROOT));
    exec(router, "ip", "link", "set", veth, "up");
    exec(ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
    exec(ns, "ip", "link", "set", "eth0", "up");
    exec(ns, "ip", "route", "add", "default", "via", gateway(side));
    return new Host(ns, address);
  }

  /** Drops every packet between the two sides (in the router: both directions). */
  void cut() {
    String rules = "table inet " + CUT_TABLE + " {\n"
        + "  chain cut {\n"
        + "    type filter hook forward priority 0; policy accept;\n"
        + "    ip saddr " + prefix() + "1.0/24 ip daddr " + prefix() + "2.0/24 drop\n"
        + "    ip saddr " + prefix() + "2.0/24 ip daddr " + prefix() + "1.0/24 drop\n"
        + "  }\n"
        + "}\n";
    if (runWithInput(rules, "ip", "netns", "exec", router, "nft", "-f", "-") != 0) {
      throw new IllegalStateException("nft refused the cut rules");
    }
  }

  /** Removes the cut. */
  void heal() {
    exec(router, "nft", "delete", "table", "inet", CUT_TABLE);
  }

  /** {@code ss -tnp} inside the namespace {@code ns}: its TCP connections with their processes. */
  String sockets(String ns) {
    return output(List.of("ip", "netns", "exec", ns, "ss", "-tnp"));
  }

  /** {@code ss -tlnp} inside the namespace {@code ns}: its listening TCP sockets with their processes. */
  String listening(String ns) {
    return output(List.of("ip", "netns", "exec", ns, "ss", "-tlnp"));
  }

  /** Deletes every namespace this made (veths and routes go with them). Safe to call twice. */
  @Override
  public void close() {
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      run("ip", "netns", "del", namespaces.get(i));
    }
    namespaces.clear();
    // the root end of the uplink disappears with the router namespace; this only covers a half-made one
    if (output(List.of("ip", "link", "show", hostLink)).contains(hostLink + "@")) {
      run("ip", "link", "del", hostLink);
    }
  }

  private String prefix() {
    return "10." + net + ".";
  }

  private static int subnet(Side side) {
    return side == Side.A ? 1 : 2;
  }

  private String gateway(Side side) {
    return prefix() + subnet(side) + ".1";
  }

  private void addNamespace(String ns) {
    sh("ip", "netns", "add", ns);
    namespaces.add(ns);
    exec(ns, "ip", "link", "set", "lo", "up");
  }

  private static void exec(String ns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    sh(full.toArray(String[]::new));
  }

  private static void sh(String... command) {
    if (run(command) != 0) {
      throw new IllegalStateException("failed: " + String.join(" ", command));
    }
  }

  private static int run(String... command) {
    return runWithInput(null, command);
  }

  private static int runWithInput(String input, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (input != null) {
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String output(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
