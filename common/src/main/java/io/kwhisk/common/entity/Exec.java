package io.kwhisk.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kwhisk.common.code.CodeRef;
import java.util.List;

/**
 * What runs an action, in OpenWhisk's shape: a runtime {@code kind} (for example {@code nodejs:20},
 * {@code java:17} or {@code blackbox}), the code (source text, or base64 when {@code binary}), the
 * entry point {@code main}, and for {@code blackbox} the Docker {@code image}. A {@code sequence}
 * has no code: its {@code components} are the fully qualified names ({@code /ns/action} or {@code
 * /ns/pkg/action}) of the actions it runs one after the other; it is run by the controller and
 * never reaches an invoker. Code larger than {@link
 * io.kwhisk.common.code.CodeChunks#INLINE_MAX_BYTES} is stored out of line: {@code code} is then
 * null and {@code codeRef} says where it is (the API and a container's {@code /init} always see the
 * code itself).
 */
public record Exec(
    String kind,
    String code,
    String main,
    boolean binary,
    String image,
    List<String> components,
    CodeRef codeRef) {
  public static final String BLACKBOX = "blackbox";
  public static final String SEQUENCE = "sequence";

  public Exec {
    components = components == null ? null : List.copyOf(components);
  }

  public Exec(
      String kind,
      String code,
      String main,
      boolean binary,
      String image,
      List<String> components) {
    this(kind, code, main, binary, image, components, null);
  }

  /** The exec of an action that runs in a container. */
  public Exec(String kind, String code, String main, boolean binary, String image) {
    this(kind, code, main, binary, image, null);
  }

  /** A sequence of {@code components}. */
  public static Exec sequence(List<String> components) {
    return new Exec(SEQUENCE, null, null, false, null, components);
  }

  /** This exec with its code stored out of line at {@code ref}. */
  public Exec withCodeRef(CodeRef ref) {
    return new Exec(kind, null, main, binary, image, components, ref);
  }

  /** This exec with its code inline, as the API shows it and {@code /init} sends it. */
  public Exec withCode(String inline) {
    return new Exec(kind, inline, main, binary, image, components, null);
  }

  public boolean isBlackbox() {
    return BLACKBOX.equals(kind);
  }

  @JsonIgnore
  public boolean isSequence() {
    return SEQUENCE.equals(kind);
  }
}
