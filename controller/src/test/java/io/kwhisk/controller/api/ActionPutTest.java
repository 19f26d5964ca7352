package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.controller.ControllerConfig;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ActionPutTest {
  static ActionPut parse(String json) {
    return ActionPut.parse(json.getBytes(StandardCharsets.UTF_8), ControllerConfig.DEFAULT_KINDS);
  }

  static void assertBadRequest(String json, String messagePart) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(messagePart);
  }

  @Test
  void aFullRequestBecomesAnActionWithTheExecAnnotation() {
    ActionPut put =
        parse(
            """
        {"exec":{"kind":"nodejs:20","code":"function main(){}","main":"main"},
         "parameters":[{"key":"a","value":1}],"annotations":[{"key":"web-export","value":true}],
         "limits":{"timeout":1000,"memory":512}}""");
    Action a = put.toAction("guest", "hello", Optional.empty(), "r1", 42);
    assertThat(a.exec().kind()).isEqualTo("nodejs:20");
    assertThat(a.exec().main()).isEqualTo("main");
    assertThat(a.parameters().get("a").asInt()).isEqualTo(1);
    assertThat(a.annotations().get("exec").asText()).isEqualTo("nodejs:20");
    assertThat(a.annotations().get("web-export").asBoolean()).isTrue();
    assertThat(a.limits().timeout()).isEqualTo(1000);
    assertThat(a.limits().memory()).isEqualTo(512);
    assertThat(a.limits().concurrency()).isEqualTo(1);
    assertThat(a.version()).isEqualTo("0.0.1");
    assertThat(a.updated()).isEqualTo(42);
  }

  @Test
  void anUpdateKeepsWhatItDoesNotMentionAndRaisesThePatchVersion() {
    Action old =
        parse(
                """
        {"exec":{"kind":"nodejs:20","code":"x"},"parameters":[{"key":"a","value":1}],"limits":{"memory":512}}""")
            .toAction("guest", "hello", Optional.empty(), "r1", 1);
    Action updated =
        parse("{\"limits\":{\"timeout\":2000}}")
            .toAction("guest", "hello", Optional.of(old), "r2", 2);
    assertThat(updated.exec()).isEqualTo(old.exec());
    assertThat(updated.parameters()).isEqualTo(old.parameters());
    assertThat(updated.limits().memory()).isEqualTo(512);
    assertThat(updated.limits().timeout()).isEqualTo(2000);
    assertThat(updated.version()).isEqualTo("0.0.2");
    assertThat(updated.revision()).isEqualTo("r2");
  }

  @Test
  void creatingWithoutExecIsRefused() {
    assertThatThrownBy(() -> parse("{}").toAction("guest", "a", Optional.empty(), "r", 0))
        .isInstanceOf(ApiError.class)
        .hasMessageContaining("exec");
  }

  @Test
  void malformedOrNonObjectBodiesAreRefused() {
    assertBadRequest("{not json", "malformed");
    assertBadRequest("[1,2]", "JSON object");
    assertBadRequest("", "empty");
  }

  @Test
  void unknownKindsAreRefused() {
    assertBadRequest("{\"exec\":{\"kind\":\"cobol:1\",\"code\":\"x\"}}", "cobol:1");
  }

  @Test
  void codeIsRequiredExceptForBlackboxWhichNeedsAnImage() {
    assertBadRequest("{\"exec\":{\"kind\":\"nodejs:20\"}}", "exec.code");
    assertBadRequest("{\"exec\":{\"kind\":\"blackbox\"}}", "exec.image");
    assertThat(parse("{\"exec\":{\"kind\":\"blackbox\",\"image\":\"me/img\"}}").exec().image())
        .isEqualTo("me/img");
  }

  @Test
  void limitsOutOfRangeOrOfTheWrongTypeAreRefused() {
    assertBadRequest("{\"limits\":{\"memory\":1}}", "memory");
    assertBadRequest("{\"limits\":{\"timeout\":999999999}}", "timeout");
    assertBadRequest("{\"limits\":{\"concurrency\":0}}", "concurrency");
    assertBadRequest("{\"limits\":{\"memory\":\"lots\"}}", "limits.memory");
    assertBadRequest("{\"limits\":5}", "limits");
    assertBadRequest("{\"limits\":{\"instances\":0}}", "instances");
    assertBadRequest("{\"limits\":{\"instances\":1001}}", "instances");
    assertBadRequest("{\"limits\":{\"instances\":2.5}}", "limits.instances");
  }

  @Test
  void instancesBoundTheActionsContainersAndAnUpdateWithoutThemKeepsThem() {
    Action created =
        parse("{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},\"limits\":{\"instances\":3}}")
            .toAction("guest", "hello", Optional.empty(), "r1", 1);
    assertThat(created.instances()).isEqualTo(3);
    Action updated =
        parse("{\"limits\":{\"memory\":512}}")
            .toAction("guest", "hello", Optional.of(created), "r2", 2);
    assertThat(updated.instances()).isEqualTo(3);
    Action defaulted =
        parse("{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}}")
            .toAction("guest", "other", Optional.empty(), "r1", 1);
    assertThat(defaulted.instances()).isEqualTo(Action.DEFAULT_INSTANCES);
  }

  @Test
  void parametersMustBeKeyValuePairs() {
    assertBadRequest("{\"parameters\":{\"a\":1}}", "parameters");
    assertBadRequest("{\"parameters\":[{\"value\":1}]}", "key");
  }

  @Test
  void versionsMustBeSemantic() {
    assertBadRequest("{\"version\":\"one\"}", "version");
    assertThat(ActionPut.upPatch("1.2.9")).isEqualTo("1.2.10");
  }

  @Test
  void aNewActionGetsProvideApiKeyFalseUnlessItSetsIt() {
    Action plain =
        parse("{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}}")
            .toAction("guest", "a", Optional.empty(), "r1", 1);
    assertThat(plain.annotations().get("provide-api-key").asBoolean()).isFalse();
    assertThat(ActionPut.providesApiKey(plain)).isFalse();
    Action asked =
        parse(
                """
        {"exec":{"kind":"nodejs:20","code":"x"},"annotations":[{"key":"provide-api-key","value":true}]}""")
            .toAction("guest", "a", Optional.empty(), "r1", 1);
    assertThat(ActionPut.providesApiKey(asked)).isTrue();
    Action older =
        new Action("guest", "old", "r0", null, plain.exec(), null, null, null, 0, false, 0);
    assertThat(ActionPut.providesApiKey(older))
        .as("an action without the annotation, as OpenWhisk reads it")
        .isTrue();
  }

  @Test
  void anUpdateMergesAnnotationsAndRemovesThoseItNames() {
    Action old =
        parse(
                """
        {"exec":{"kind":"nodejs:20","code":"x"},
         "annotations":[{"key":"a","value":1},{"key":"b","value":2}]}""")
            .toAction("guest", "hello", Optional.empty(), "r1", 1);
    Action updated =
        parse(
                """
        {"annotations":[{"key":"b","value":20},{"key":"c","value":3}],"delAnnotations":["a"]}""")
            .toAction("guest", "hello", Optional.of(old), "r2", 2);
    assertThat(updated.annotations()).doesNotContainKey("a");
    assertThat(updated.annotations().get("b").asInt()).isEqualTo(20);
    assertThat(updated.annotations().get("c").asInt()).isEqualTo(3);
    assertThat(updated.annotations().get("provide-api-key").asBoolean())
        .as("kept from the creation")
        .isFalse();
    assertThat(updated.annotations().get("exec").asText()).isEqualTo("nodejs:20");
    assertBadRequest("{\"delAnnotations\":\"a\"}", "delAnnotations");
  }

  @Test
  void binaryIsReadFromTheCodeAndDefaultKindsResolveToTheRealKind() {
    Action zip =
        parse("{\"exec\":{\"kind\":\"nodejs:default\",\"code\":\"UEsDBAo=\"}}")
            .toAction("guest", "z", Optional.empty(), "r1", 1);
    assertThat(zip.exec().binary()).isTrue();
    assertThat(zip.exec().kind()).isEqualTo("nodejs:20");
    assertThat(zip.annotations().get("exec").asText()).isEqualTo("nodejs:20");
    Action source =
        parse(
                """
        {"exec":{"kind":"java:default","code":"function main() { return {}; }","binary":true}}""")
            .toAction("guest", "s", Optional.empty(), "r1", 1);
    assertThat(source.exec().binary()).as("the request's binary flag does not matter").isFalse();
    assertThat(source.exec().kind()).isEqualTo("java:17");
    assertThat(
            parse("{\"exec\":{\"kind\":\"python:default\",\"code\":\"def main(a): return a\"}}")
                .toAction("guest", "p", Optional.empty(), "r1", 1)
                .exec()
                .kind())
        .isEqualTo("python:3");
    assertThat(ExecParser.isBinaryCode("abc")).isFalse();
    assertThat(ExecParser.isBinaryCode("ab=c")).isFalse();
    assertThat(ExecParser.isBinaryCode("a".repeat(4_000_000))).as("no stack overflow").isTrue();
  }

  @Test
  void parametersMarkedInitAreRememberedAndShown() {
    Action a =
        parse(
                """
        {"exec":{"kind":"nodejs:20","code":"x"},
         "parameters":[{"key":"db","value":"pg","init":true},{"key":"name","value":"n"}]}""")
            .toAction("guest", "a", Optional.empty(), "r1", 1);
    assertThat(a.initParameters()).containsExactly("db");
    assertThat(ActionJson.full(a, false).get("parameters").toString())
        .contains("{\"key\":\"db\",\"value\":\"pg\",\"init\":true}")
        .contains("{\"key\":\"name\",\"value\":\"n\"}");
    Action kept =
        parse("{\"limits\":{\"timeout\":2000}}").toAction("guest", "a", Optional.of(a), "r2", 2);
    assertThat(kept.initParameters()).containsExactly("db");
    assertBadRequest(
        """
        {"exec":{"kind":"nodejs:20","code":"x"},"parameters":[{"key":"db","value":"pg","init":"yes"}]}""",
        "init");
  }

  @Test
  void
      anExecOfFortyEightMegabytesIsAcceptedAndOneByteMoreIsRefusedWithOpenWhisksStatusAndMessage() {
    ExecParser.checkExecSize(ActionPut.MAX_EXEC_BYTES);
    assertThatThrownBy(() -> ExecParser.checkExecSize(ActionPut.MAX_EXEC_BYTES + 1))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessage("exec larger than allowed: 50331649 > 50331648 bytes.");
    assertThat(ExecParser.utf8Length("aé€\uD83D\uDE00")).as("1 + 2 + 3 + 4 bytes").isEqualTo(10);
    assertThat(ExecParser.utf8Length(null)).isZero();
  }
}
