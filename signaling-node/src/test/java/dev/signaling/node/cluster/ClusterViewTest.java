package dev.signaling.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The member counts of the membership log lines read as English. */
class ClusterViewTest {

  @Test
  void oneMemberIsSingularAndOthersPlural() {
    assertThat(ClusterView.memberCount(1)).isEqualTo("1 member");
    assertThat(ClusterView.memberCount(2)).isEqualTo("2 members");
    assertThat(ClusterView.memberCount(0)).isEqualTo("0 members");
  }
}
