package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.Exec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code exec} of an action's {@code PUT}: its kind, code, image or sequence components,
 * checked as OpenWhisk checks them (the rest of the request is {@link ActionPut}'s). Pure
 * functions.
 */
final class ExecParser {
  private ExecParser() {}

  /**
   * An action's {@code exec} as OpenWhisk validates it: a known kind ({@code <family>:default}
   * resolved), code or image as the kind needs, at most {@link ActionPut#MAX_EXEC_BYTES}; 400 or
   * 413 with OpenWhisk's message otherwise.
   */
  static Exec parse(JsonNode node, Set<String> kinds) {
    if (!node.isObject()) throw ApiError.badRequest("The field 'exec' must be an object.");
    String kind = ActionPut.text(node, "exec.kind");
    if (kind == null) throw ApiError.badRequest("The field 'exec.kind' is required.");
    if (Exec.SEQUENCE.equals(kind)) return parseSequence(node);
    if (!kinds.contains(kind)) {
      throw ApiError.badRequest(
          "The action kind '"
              + kind
              + "' is not supported; known kinds: "
              + String.join(", ", new TreeSet<>(kinds))
              + ".");
    }
    String code = ActionPut.text(node, "exec.code");
    String main = ActionPut.text(node, "exec.main");
    String image = ActionPut.text(node, "exec.image");
    if (node.hasNonNull("binary") && !node.get("binary").isBoolean()) {
      throw ApiError.badRequest("The field 'exec.binary' must be a boolean.");
    }
    // As OpenWhisk: whether the code is binary (a base64 zip or jar) is read from the code, not
    // from the request.
    boolean binary = isBinaryCode(code);
    boolean blackbox = Exec.BLACKBOX.equals(kind);
    if (blackbox && (image == null || image.isBlank())) {
      throw ApiError.badRequest("The field 'exec.image' is required for a blackbox action.");
    }
    if (!blackbox && (code == null || code.isEmpty())) {
      throw ApiError.badRequest(
          "The field 'exec.code' is required for an action of kind '" + kind + "'.");
    }
    checkExecSize(utf8Length(code) + utf8Length(main));
    return new Exec(resolveDefault(kind, kinds), code, main, binary, image);
  }

  /**
   * OpenWhisk's check of an exec's size: 413 with its message above {@link
   * ActionPut#MAX_EXEC_BYTES}.
   */
  static void checkExecSize(long size) {
    if (size > ActionPut.MAX_EXEC_BYTES) {
      throw new ApiError(
          413, "exec larger than allowed: " + size + " > " + ActionPut.MAX_EXEC_BYTES + " bytes.");
    }
  }

  /** The length of {@code s} in UTF-8 (0 for null), without encoding it. */
  static long utf8Length(String s) {
    if (s == null) return 0;
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }

  /**
   * A sequence's exec: {@code components}, an array of fully qualified action names. Whether they
   * exist, fit the limit and make no cycle is checked against the store when the action is written.
   */
  private static Exec parseSequence(JsonNode node) {
    JsonNode components = node.get("components");
    if (components == null || !components.isArray()) {
      throw ApiError.badRequest("The field 'exec.components' must be an array of action names.");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : components) {
      if (!c.isTextual())
        throw ApiError.badRequest("The field 'exec.components' must be an array of action names.");
      names.add(c.asText());
    }
    if (names.isEmpty()) throw ApiError.badRequest("No component specified for the sequence.");
    return Exec.sequence(names);
  }

  /**
   * OpenWhisk's test for binary code: trimmed, not empty, a multiple of 4 characters, all base64
   * (with at most two '=' of padding at the end). Written out rather than as OpenWhisk's regular
   * expression, whose repeated group Java matches recursively: a code of a few megabytes would
   * overflow the stack.
   */
  static boolean isBinaryCode(String code) {
    if (code == null) return false;
    String t = code.trim();
    int n = t.length();
    if (n == 0 || n % 4 != 0) return false;
    int padding = t.endsWith("==") ? 2 : t.endsWith("=") ? 1 : 0;
    for (int i = 0; i < n - padding; i++) {
      char c = t.charAt(i);
      boolean base64 =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/';
      if (!base64) return false;
    }
    return true;
  }

  /**
   * A {@code <family>:default} kind is stored as the family's real kind, as OpenWhisk resolves it:
   * the highest version among the known kinds of that family ({@code nodejs:default} becomes {@code
   * nodejs:20}).
   */
  static String resolveDefault(String kind, Set<String> kinds) {
    if (!kind.endsWith(":default")) return kind;
    String family = kind.substring(0, kind.length() - "default".length());
    return kinds.stream()
        .filter(k -> k.startsWith(family) && !k.equals(kind))
        .max(
            Comparator.comparingInt((String k) -> version(k.substring(family.length())))
                .thenComparing(k -> k))
        .orElse(kind);
  }

  private static int version(String v) {
    try {
      return Integer.parseInt(v.replaceAll("[^0-9].*$", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
