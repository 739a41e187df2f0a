package dev.opshub.drills;

/** A scenario file that cannot be used; the message names the file and the faulty field. */
public class ScenarioException extends RuntimeException {

  public ScenarioException(String message) {
    super(message);
  }

  public ScenarioException(String message, Throwable cause) {
    super(message, cause);
  }
}
