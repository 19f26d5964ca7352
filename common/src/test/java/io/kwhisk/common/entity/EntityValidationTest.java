package io.kwhisk.common.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class EntityValidationTest {

  @Test
  void openWhiskStyleNamesAreAcceptedAndOthersRejected() {
    assertThat(EntityName.isValid("hello")).isTrue();
    assertThat(EntityName.isValid("my action-v1.2@x")).isTrue();
    assertThat(EntityName.isValid("_private")).isTrue();
    assertThat(EntityName.isValid("")).isFalse();
    assertThat(EntityName.isValid("-leading")).isFalse();
    assertThat(EntityName.isValid("trailing ")).isFalse();
    assertThat(EntityName.isValid("slash/inside")).isFalse();
    assertThat(EntityName.isValid("x".repeat(257))).isFalse();
  }

  @Test
  void limitsOutOfRangeNameTheLimit() {
    assertThatThrownBy(() -> ActionLimits.of(50, null, null, null).validate())
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> ActionLimits.of(null, 64, null, null).validate())
        .hasMessageContaining("memory");
    assertThatThrownBy(() -> ActionLimits.of(null, null, null, 0).validate())
        .hasMessageContaining("concurrency");
    assertThat(ActionLimits.of(null, null, null, null).validate()).isEqualTo(ActionLimits.DEFAULT);
  }

  @Test
  void theLogLimitIsInMegabytesFromZeroToTen() {
    assertThat(ActionLimits.DEFAULT.logs()).isEqualTo(10);
    assertThat(ActionLimits.DEFAULT.logBytes()).isEqualTo(10 * 1024 * 1024);
    assertThat(ActionLimits.of(null, null, 0, null).validate().logBytes()).isZero();
    assertThatThrownBy(() -> ActionLimits.of(null, null, 11, null).validate())
        .hasMessageContaining("logs")
        .hasMessageContaining("between 0 and 10 MB");
  }
}
