package dev.opshub.hub;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The defaults of {@link OpshubCommand}'s options: the environment ({@code OPSHUB_HTTP_PORT}), then the
 * {@code --config} JSON file ({@code "http-port"} or {@code "httpPort"}; a list option also takes a JSON array),
 * then the option's own default. picocli asks it only for the options not given as flags, so a flag wins.
 */
final class ConfigDefaults implements IDefaultValueProvider {

  static final String ENV_PREFIX = "OPSHUB_";
  static final String CONFIG_OPTION = "--config";
  /** The config file's key for the bridge options (docs/BRIDGE.md); not an option. */
  static final String BRIDGE_KEY = "bridge";

  /** Options that never come from the environment or the file. */
  private static final Set<String> NOT_CONFIGURABLE = Set.of("config", "help", "version");

  private final Map<String, String> env;
  private final JsonObject file;
  private final Path filePath;
  /** Where each default handed to picocli came from, by option name, for error messages. */
  private final Map<String, String> origins = new HashMap<>();

  /** Defaults from {@code env} and {@code file}, a config file's content already checked by {@link #load}. */
  ConfigDefaults(Map<String, String> env, JsonObject file) {
    this(env, file, null);
  }

  private ConfigDefaults(Map<String, String> env, JsonObject file, Path filePath) {
    this.env = Map.copyOf(env);
    this.file = file.copy();
    this.filePath = filePath;
  }

  /**
   * Defaults from {@code env} and the config file that {@code args} or {@code OPSHUB_CONFIG} name, if any.
   *
   * @throws IllegalArgumentException when that file cannot be read or has an unknown option
   */
  static ConfigDefaults from(Map<String, String> env, String... args) {
    Path path = findConfigPath(env, args);
    return new ConfigDefaults(env, load(path), path);
  }

  /**
   * {@code --config FILE} / {@code --config=FILE} from args, else env {@code OPSHUB_CONFIG}, else null. The file
   * gives the other options' defaults, so it is found before picocli parses them.
   */
  static Path findConfigPath(Map<String, String> env, String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(CONFIG_OPTION + " needs a FILE");
        }
        return Paths.get(args[i + 1]);
      }
      if (args[i].startsWith(CONFIG_OPTION + "=")) {
        return Paths.get(args[i].substring(CONFIG_OPTION.length() + 1));
      }
    }
    String fromEnv = env.get(ENV_PREFIX + "CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? null : Paths.get(fromEnv.trim());
  }

  /**
   * Reads and checks a config file: a JSON object whose keys are options of {@link OpshubCommand} (each once) or
   * {@code "bridge"}; a value is a string, number, boolean or null (the default), or for a list option an array.
   *
   * @return the file's content, empty when {@code path} is null
   * @throws IllegalArgumentException naming the file and the key
   */
  static JsonObject load(Path path) {
    if (path == null) {
      return new JsonObject();
    }
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(path, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(CONFIG_OPTION + ": cannot read " + path + " (no such file)");
    } catch (IOException e) {
      throw new IllegalArgumentException(CONFIG_OPTION + ": cannot read " + path + " (" + e + ")");
    } catch (DecodeException e) {
      throw new IllegalArgumentException(CONFIG_OPTION + ": " + path + " is not a JSON object (" + e.getMessage() + ")");
    }
    CommandSpec spec = CommandSpec.forAnnotatedObject(new OpshubCommand());
    Map<String, String> seen = new HashMap<>();
    for (String key : json.fieldNames()) {
      String name = kebab(key);
      String before = seen.put(name, key);
      if (before != null) {
        throw new IllegalArgumentException(invalid(path, key, "is the same option as \"" + before + "\""));
      }
      Object value = json.getValue(key);
      if (name.equals(BRIDGE_KEY)) {
        if (!(value instanceof JsonObject)) {
          throw new IllegalArgumentException(invalid(path, key, "must be a JSON object"));
        }
        continue;
      }
      OptionSpec option = NOT_CONFIGURABLE.contains(name) ? null : spec.findOption("--" + name);
      if (option == null) {
        throw new IllegalArgumentException(CONFIG_OPTION + ": unknown option \"" + key + "\" in " + path);
      }
      if (value instanceof JsonArray array) {
        if (!option.isMultiValue()) {
          throw new IllegalArgumentException(invalid(path, key, "takes one value, not an array"));
        }
        if (!array.stream().allMatch(item -> item instanceof String || item instanceof Number)) {
          throw new IllegalArgumentException(invalid(path, key, "must be an array of strings or numbers"));
        }
      } else if (value != null && !isScalar(value)) {
        throw new IllegalArgumentException(invalid(path, key, "must be a string, number or boolean"));
      }
    }
    return json;
  }

  /** {@code httpPort}, {@code http-port} or {@code http_port} to {@code http-port}. */
  static String kebab(String name) {
    StringBuilder out = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c == '_' ? '-' : c);
      }
    }
    return out.toString();
  }

  /** The config file's bridge options, a copy (empty when there are none). */
  JsonObject bridge() {
    return file.getValue(BRIDGE_KEY) instanceof JsonObject bridge ? bridge.copy() : new JsonObject();
  }

  /** Where the default picocli got for {@code option} came from ({@code OPSHUB_HTTP_PORT}), if it came from here. */
  Optional<String> origin(OptionSpec option) {
    return Optional.ofNullable(origins.get(option.longestName()));
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    String name = option.longestName().replaceFirst("^--", "");
    if (NOT_CONFIGURABLE.contains(name)) {
      return null;
    }
    String variable = ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    String fromEnv = env.get(variable);
    if (fromEnv != null && !fromEnv.isBlank()) {
      origins.put(option.longestName(), variable);
      return fromEnv;
    }
    for (String key : file.fieldNames()) {
      if (kebab(key).equals(name) && file.getValue(key) != null) {
        origins.put(option.longestName(), "\"" + key + "\" in " + (filePath == null ? "the config file" : filePath));
        return text(file.getValue(key));
      }
    }
    return null;
  }

  /** An array becomes the comma list picocli splits. */
  private static String text(Object value) {
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  private static boolean isScalar(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean;
  }

  private static String invalid(Path path, String key, String problem) {
    return CONFIG_OPTION + ": \"" + key + "\" in " + path + " " + problem;
  }
}
