package io.kwhisk.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * What runs an action, in OpenWhisk's shape: a runtime {@code kind} (for example {@code nodejs:20}, {@code java:17}
 * or {@code blackbox}), the code (source text, or base64 when {@code binary}), the entry point {@code main}, and for
 * {@code blackbox} the Docker {@code image}. A {@code sequence} has no code: its {@code components} are the fully
 * qualified names ({@code /ns/action} or {@code /ns/pkg/action}) of the actions it runs one after the other; it is
 * run by the controller and never reaches an invoker.
 */
public record Exec(String kind, String code, String main, boolean binary, String image, List<String> components) {
  public static final String BLACKBOX = "blackbox";
  public static final String SEQUENCE = "sequence";

  public Exec {
    components = components == null ? null : List.copyOf(components);
  }

  /** The exec of an action that runs in a container. */
  public Exec(String kind, String code, String main, boolean binary, String image) {
    this(kind, code, main, binary, image, null);
  }

  /** A sequence of {@code components}. */
  public static Exec sequence(List<String> components) {
    return new Exec(SEQUENCE, null, null, false, null, components);
  }

  public boolean isBlackbox() {
    return BLACKBOX.equals(kind);
  }

  @JsonIgnore
  public boolean isSequence() {
    return SEQUENCE.equals(kind);
  }
}
