package dev.opshub.web;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a program a test runs (node, npm) is on the PATH, so the test can say why it is skipped. */
public final class CommandsOnPath {

  private CommandsOnPath() {
  }

  public static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
