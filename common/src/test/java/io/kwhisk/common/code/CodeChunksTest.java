package io.kwhisk.common.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CodeChunksTest {
  @Test
  void codeIsCutIntoChunksOfAtMostHalfAMegabyteAndJoinedBackWhole() {
    byte[] code = new byte[CodeChunks.CHUNK_BYTES * 2 + 17];
    new Random(1).nextBytes(code);
    List<byte[]> chunks = CodeChunks.split(code);
    assertThat(chunks).hasSize(3);
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.length).isLessThanOrEqualTo(CodeChunks.CHUNK_BYTES));
    String text =
        "é".repeat(CodeChunks.CHUNK_BYTES); // two bytes each: a chunk may split a character
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    CodeRef ref = new CodeRef(CodeChunks.digest(utf8), utf8.length, "r1", List.of(0L, 1L));
    assertThat(CodeChunks.join(ref, CodeChunks.split(utf8))).isEqualTo(text);
  }

  @Test
  void chunksThatDoNotMakeTheReferencedCodeAreRefused() {
    byte[] code = "function main() { return {}; }".getBytes(StandardCharsets.UTF_8);
    CodeRef ref = new CodeRef(CodeChunks.digest(code), code.length, "r1", List.of(4L));
    byte[] altered = code.clone();
    altered[0] = 'F';
    assertThatThrownBy(() -> CodeChunks.join(ref, List.of(altered)))
        .isInstanceOf(CodeUnavailableException.class)
        .hasMessageContaining("digest");
    assertThatThrownBy(() -> CodeChunks.join(ref, new ArrayList<>(List.of(new byte[3]))))
        .isInstanceOf(CodeUnavailableException.class)
        .hasMessageContaining("3 bytes");
  }

  @Test
  void anActionWhoseCodeIsOutOfLineCarriesOnlyItsReferenceOnTheWire() {
    CodeRef ref = new CodeRef("ab".repeat(32), 40_000_000, "r7", List.of(10L, 11L, 13L));
    Action action =
        new Action(
            "guest",
            "big",
            "r7",
            null,
            new Exec("nodejs:20", "x", null, true, null),
            Map.of(),
            Map.of(),
            ActionLimits.DEFAULT,
            0,
            false,
            1L);
    Action stored = action.withExec(action.exec().withCodeRef(ref));
    byte[] wire = Json.encode(stored);
    assertThat(wire.length).isLessThan(1024);
    Action read = Json.decode(wire, Action.class);
    assertThat(read.exec().codeRef()).isEqualTo(ref);
    assertThat(read.exec().code()).isNull();
    assertThat(read.exec().withCode("y").codeRef()).isNull();
  }

  @Test
  void theApisJsonReadsStringsLongerThanJacksonsDefaultLimitOfTwentyMillionCharacters()
      throws Exception {
    String code = "a".repeat(21_000_000);
    assertThat(Json.MAPPER.readTree("{\"code\":\"" + code + "\"}").path("code").asText())
        .hasSize(code.length());
  }
}
