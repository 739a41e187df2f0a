package dev.opshub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a server process's CPU time ({@code /proc/PID/stat} utime + stime) and resident memory
 * ({@code /proc/PID/status} VmRSS). Linux only; blocking file reads, so call it off the event loops.
 */
final class ServerProbe {

  /** Linux USER_HZ: clock ticks per second of utime/stime; 100 on every mainstream kernel build. */
  static final int DEFAULT_TICKS_PER_SECOND = 100;

  record Sample(long cpuTicks, long rssKb) {
  }

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
      return new Sample(utime + stime, rssKb);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
