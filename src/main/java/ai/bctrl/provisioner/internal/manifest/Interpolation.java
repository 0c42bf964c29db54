package ai.bctrl.provisioner.internal.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ${NAME}}: a whole cell or string value replaced by an environment variable. */
final class Interpolation {
  private Interpolation() {}

  /** The variable named by {@code s} if {@code s} is exactly {@code ${NAME}}, else {@code null}. */
  static String variable(String s) {
    int n = s.length();
    if (n < 4 || s.charAt(0) != '$' || s.charAt(1) != '{' || s.charAt(n - 1) != '}') {
      return null;
    }
    char first = s.charAt(2);
    if (!(Character.isLetter(first) && first < 128) && first != '_') {
      return null;
    }
    for (int i = 3; i < n - 1; i++) {
      char c = s.charAt(i);
      if (!((c < 128 && Character.isLetterOrDigit(c)) || c == '_')) {
        return null;
      }
    }
    return s.substring(2, n - 1);
  }

  static Problem missing(String field, String variable) {
    return new Problem(field, "environment variable " + variable
        + " is not set; set it, or write the value instead of \"${" + variable + "}\"");
  }

  /**
   * A copy of a JSON tree with every whole-string {@code ${NAME}} replaced; a missing variable adds
   * a problem and leaves the value out.
   */
  @SuppressWarnings("unchecked")
  static Object apply(Object v, String path, Map<String, String> env, List<Problem> problems) {
    if (v instanceof String s) {
      String var = variable(s);
      if (var == null) {
        return s;
      }
      String value = env.get(var);
      if (value == null) {
        problems.add(missing(path, var));
        return Trees.MISSING;
      }
      return value;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        String sub = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        Object r = apply(e.getValue(), sub, env, problems);
        if (r != Trees.MISSING) {
          out.put(e.getKey(), r);
        }
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (int i = 0; i < l.size(); i++) {
        Object r = apply(l.get(i), path + "[" + i + "]", env, problems);
        if (r != Trees.MISSING) {
          out.add(r);
        }
      }
      return out;
    }
    return v;
  }
}
