package dev.opshub.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The PromQL expressions of the shipped Grafana dashboard and alert rules, and the parts of each that must return
 * data on a live Prometheus. An expression is split at its top-level comparisons and set operators ({@code and},
 * {@code or}, {@code unless}), so an alert is checked without its threshold ("no data" is not "not firing"), and
 * constants (numbers, {@code vector(n)}) are left out.
 */
final class PromQlQueries {

  /** One expression to query and where it comes from (for failure messages). */
  record Query(String source, String expr) {
  }

  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
  private static final Pattern VECTOR_OF_NUMBER = Pattern.compile("vector\\s*\\(\\s*" + NUMBER.pattern() + "\\s*\\)");
  private static final Pattern LEADING_MODIFIER = Pattern.compile("^(bool(?![\\w:])"
      + "|(on|ignoring)\\s*\\([^)]*\\)"
      + "|(group_left|group_right)(?![\\w:])(\\s*\\([^)]*\\))?)\\s*");
  private static final String[] COMPARISONS = {"==", "!=", ">=", "<=", ">", "<"};
  private static final String[] SET_OPERATORS = {"and", "or", "unless"};

  private PromQlQueries() {
  }

  /** Grafana's variables as a dashboard with every node selected resolves them. */
  static String resolveGrafana(String expr, String rateInterval) {
    return expr.replace("$__rate_interval", rateInterval).replace("${instance}", ".*").replace("$instance", ".*");
  }

  /** Every target expression of every panel, Grafana variables resolved, split into the parts that need data. */
  static List<Query> dashboard(JsonObject dashboard, String rateInterval) {
    List<Query> queries = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels", new JsonArray())) {
      JsonObject panel = (JsonObject) p;
      for (Object t : panel.getJsonArray("targets", new JsonArray())) {
        JsonObject target = (JsonObject) t;
        String expr = resolveGrafana(target.getString("expr"), rateInterval);
        for (String leaf : leaves(expr)) {
          queries.add(new Query("panel '" + panel.getString("title") + "' " + target.getString("refId"), leaf));
        }
      }
    }
    return queries;
  }

  /** The expression of every recording and alert rule of a rules file (parsed YAML), split likewise. */
  @SuppressWarnings("unchecked")
  static List<Query> rules(Map<String, Object> rulesFile) {
    List<Query> queries = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rulesFile.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        String name = rule.containsKey("alert") ? "alert " + rule.get("alert") : "record " + rule.get("record");
        for (String leaf : leaves(String.valueOf(rule.get("expr")))) {
          queries.add(new Query(name, leaf));
        }
      }
    }
    return queries;
  }

  /** The parts of {@code expr} between its top-level comparison and set operators, constants left out. */
  static List<String> leaves(String expr) {
    String e = unwrap(stripModifiers(expr.trim()));
    List<String> parts = splitTopLevel(e);
    if (parts.size() == 1) {
      return isConstant(e) ? List.of() : List.of(e);
    }
    List<String> leaves = new ArrayList<>();
    for (String part : parts) {
      leaves.addAll(leaves(part));
    }
    return leaves;
  }

  private static boolean isConstant(String e) {
    return NUMBER.matcher(e).matches() || VECTOR_OF_NUMBER.matcher(e).matches();
  }

  /** Drops the modifiers that follow a binary operator: {@code bool}, {@code on(..)}, {@code group_left(..)}... */
  private static String stripModifiers(String e) {
    String s = e;
    while (true) {
      var m = LEADING_MODIFIER.matcher(s);
      if (!m.find() || m.end() == 0) {
        return s;
      }
      s = s.substring(m.end());
    }
  }

  /** {@code (x)} becomes {@code x} when the parentheses enclose the whole expression. */
  private static String unwrap(String e) {
    String s = e;
    while (s.startsWith("(") && closingOf(s, 0) == s.length() - 1) {
      s = s.substring(1, s.length() - 1).trim();
    }
    return s;
  }

  private static int closingOf(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = endOfString(s, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static int endOfString(String s, int start) {
    char quote = s.charAt(start);
    for (int i = start + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quote != '`') {
        i++;
      } else if (c == quote) {
        return i;
      }
    }
    throw new IllegalArgumentException("unterminated string in " + s);
  }

  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = endOfString(s, i);
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
      if (depth != 0) {
        continue;
      }
      int length = operatorAt(s, i);
      if (length > 0) {
        parts.add(s.substring(from, i).trim());
        from = i + length;
        i = from - 1;
      }
    }
    parts.add(s.substring(from).trim());
    return parts;
  }

  /** The length of the binary comparison or set operator starting at {@code i}, or 0. */
  private static int operatorAt(String s, int i) {
    // matchers (=~, !~) are inside braces, never at the top level
    for (String op : COMPARISONS) {
      if (s.startsWith(op, i)) {
        return op.length();
      }
    }
    for (String op : SET_OPERATORS) {
      if (s.startsWith(op, i) && boundary(s, i - 1) && boundary(s, i + op.length())) {
        return op.length();
      }
    }
    return 0;
  }

  private static boolean boundary(String s, int i) {
    return i < 0 || i >= s.length() || !(Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':');
  }
}
