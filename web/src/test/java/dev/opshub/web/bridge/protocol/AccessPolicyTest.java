package dev.opshub.web.bridge.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPolicyTest {

  @Test
  void streams_may_be_registered_on_nothing_else() {
    AccessPolicy policy = new AccessPolicy("secret");
    assertThat(policy.mayRegister("ops.incidents")).isTrue();
    assertThat(policy.mayRegister("ops.control.drills")).isFalse();
    assertThat(policy.mayRegister("ops.ping")).isFalse();
    assertThat(policy.mayRegister("internal.agents.reports")).isFalse();
  }

  @Test
  void only_sends_to_controls_with_the_operator_token_are_forwarded() {
    AccessPolicy policy = new AccessPolicy("secret");
    assertThat(policy.mayForward("ops.control.drills", false)).isTrue();
    assertThat(policy.mayForward("ops.control.drills", true)).as("publish").isFalse();
    assertThat(policy.mayForward("ops.incidents", false)).isFalse();
    assertThat(policy.operator("secret")).isTrue();
    assertThat(policy.operator("secreT")).isFalse();
    assertThat(policy.operator(42)).isFalse();
    assertThat(new AccessPolicy(null).operator("")).as("no token configured: no operator").isFalse();
    assertThat(new AccessPolicy("").operator("")).isFalse();
  }
}
