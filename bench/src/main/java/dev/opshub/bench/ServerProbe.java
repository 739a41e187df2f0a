package dev.opshub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a server process's CPU time ({@code /proc/PID/stat} utime + stime) and resident memory
 * ({@code /proc/PID/status} VmRSS). Linux only; blocking file reads, so call it off the event loops.
 */
final class ServerProbe {

  /** Linux USER_HZ: clock ticks per second of utime/stime; 100 on every mainstream kernel build. */
  static final int DEFAULT_TICKS_PER_SECOND = 100;

  /** CPU ticks (user + system), of them system (kernel) ticks, and resident memory. */
  record Sample(long cpuTicks, long systemTicks, long rssKb) {
  }

  /** JVM heap figures from {@code jstat -gc}: all used (young + old) and old generation used, in KB. */
  record Heap(long usedKb, long oldUsedKb) {
  }

  private static final long JSTAT_TIMEOUT_SECONDS = 10;

  private final long pid;
  private final int ticksPerSecond;

  ServerProbe(long pid, int ticksPerSecond) {
    this.pid = pid;
    this.ticksPerSecond = ticksPerSecond;
  }

  long pid() {
    return pid;
  }

  double cpuSeconds(long ticks) {
    return ticks / (double) ticksPerSecond;
  }

  /**
   * Heap use of a JVM server through {@code jstat -gc PID} (JDK tool, same user); null when it is not a JVM or
   * jstat is missing. Old-generation use at the start and end of a window tells retained growth from heap sizing.
   */
  Heap heap() {
    try {
      Process process = new ProcessBuilder("jstat", "-gc", Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!process.waitFor(JSTAT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroy();
        return null;
      }
      String[] lines = out.trim().split("\\R");
      if (lines.length < 2 || !lines[0].trim().startsWith("S0C")) return null;
      List<String> names = List.of(lines[0].trim().split("\\s+"));
      String[] values = lines[1].trim().split("\\s+");
      double used = 0;
      for (String column : List.of("S0U", "S1U", "EU", "OU")) {
        used += Double.parseDouble(values[names.indexOf(column)]);
      }
      return new Heap(Math.round(used), Math.round(Double.parseDouble(values[names.indexOf("OU")])));
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** A sample, or null when the process is gone or /proc is unreadable. */
  Sample sample() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long utime = Long.parseLong(fields[11]);
      long stime = Long.parseLong(fields[12]);
      long rssKb = -1;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          rssKb = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
          break;
        }
      }
      return new Sample(utime + stime, stime, rssKb);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
