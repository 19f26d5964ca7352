package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which component a thread of a shared JVM works for, by its name: a table of name patterns (a
 * prefix in which {@code #} stands for one digit), the longest matching pattern winning. The
 * standalone's table is the resource {@code threads.txt} beside this class, so that a renamed
 * thread is a one-line change. Immutable, thread-safe.
 */
public final class ThreadTable {
  /** One rule: names starting with {@code pattern} belong to {@code component}. */
  record Rule(String pattern, Component component) {
    Rule {
      Objects.requireNonNull(component, "component should not be null");
      if (pattern == null || pattern.isEmpty())
        throw new IllegalArgumentException("pattern should not be empty");
    }

    boolean matches(String name) {
      if (name.length() < pattern.length()) return false;
      for (int i = 0; i < pattern.length(); i++) {
        char p = pattern.charAt(i);
        char c = name.charAt(i);
        if (p == '#' ? !Character.isDigit(c) : p != c) return false;
      }
      return true;
    }
  }

  private final List<Rule> rules;

  ThreadTable(List<Rule> rules) {
    List<Rule> sorted = new ArrayList<>(rules);
    sorted.sort(Comparator.comparingInt((Rule r) -> r.pattern().length()).reversed());
    this.rules = List.copyOf(sorted);
  }

  /** The standalone's table, from the {@code threads.txt} resource. */
  public static ThreadTable standalone() {
    try (InputStream in = ThreadTable.class.getResourceAsStream("threads.txt")) {
      if (in == null) throw new IllegalStateException("threads.txt is missing from the class path");
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses the table's text: one rule a line, the pattern (which may contain spaces) then
   * whitespace then the component's label; {@code #} at the start of a line begins a comment, blank
   * lines are skipped.
   */
  static ThreadTable parse(String text) {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("# ") || line.equals("#")) continue;
      int cut = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
      if (cut < 0)
        throw new IllegalArgumentException(
            "threads table line " + (n + 1) + ": no component: " + line);
      rules.add(
          new Rule(line.substring(0, cut).strip(), Component.ofLabel(line.substring(cut + 1))));
    }
    return new ThreadTable(rules);
  }

  /** The component of the thread named {@code name}, empty when no rule matches. */
  public Optional<Component> classify(String name) {
    for (Rule r : rules) {
      if (r.matches(name)) return Optional.of(r.component());
    }
    return Optional.empty();
  }

  /** Whether the thread is one of the JVM's own (JIT, GC, VM), whatever process it runs in. */
  public boolean jvmThread(String name) {
    return classify(name).filter(c -> c == Component.JVM).isPresent();
  }
}
