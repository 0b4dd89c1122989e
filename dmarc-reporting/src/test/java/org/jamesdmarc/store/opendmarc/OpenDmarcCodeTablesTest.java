package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** OpenDMARC 1.4.2's numeric codes, value by value, against the headers each enum cites. */
class OpenDmarcCodeTablesTest {

    @Test
    void authenticationResultsFollowAresResult() {
        // opendmarc/opendmarc-ar.h: ARES_RESULT_UNDEFINED (-1) .. ARES_RESULT_DISCARD (12)
        AuthResultCode[] expected = {AuthResultCode.UNDEFINED, AuthResultCode.PASS, AuthResultCode.UNUSED,
            AuthResultCode.SOFTFAIL, AuthResultCode.NEUTRAL, AuthResultCode.TEMPERROR, AuthResultCode.PERMERROR,
            AuthResultCode.NONE, AuthResultCode.FAIL, AuthResultCode.POLICY, AuthResultCode.NXDOMAIN,
            AuthResultCode.SIGNED, AuthResultCode.UNKNOWN, AuthResultCode.DISCARD};
        for (int code = -1; code <= 12; code++) {
            assertThat(AuthResultCode.fromCode(code)).contains(expected[code + 1]);
            assertThat(expected[code + 1].code()).isEqualTo(code);
        }
        assertThat(AuthResultCode.fromCode(-2)).isEmpty();
        assertThat(AuthResultCode.fromCode(13)).isEmpty();
        assertThat(AuthResultCode.fromCode(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void policyOutcomesFollowDmarcPolicy() {
        // libopendmarc/dmarc.h: DMARC_POLICY_ABSENT 14, _PASS 15, _REJECT 16, _QUARANTINE 17, _NONE 18
        assertThat(PolicyOutcome.fromCode(14)).contains(PolicyOutcome.ABSENT);
        assertThat(PolicyOutcome.fromCode(15)).contains(PolicyOutcome.PASS);
        assertThat(PolicyOutcome.fromCode(16)).contains(PolicyOutcome.REJECT);
        assertThat(PolicyOutcome.fromCode(17)).contains(PolicyOutcome.QUARANTINE);
        assertThat(PolicyOutcome.fromCode(18)).contains(PolicyOutcome.NONE);
        assertThat(PolicyOutcome.fromCode(13)).isEmpty();
        assertThat(PolicyOutcome.fromCode(19)).isEmpty();
    }

    @Test
    void alignmentModesAreTheRecordsCharacters() {
        // libopendmarc/dmarc.h: DMARC_RECORD_A_UNSPECIFIED '\0', _RELAXED 'r', _STRICT 's'
        assertThat(AlignmentMode.fromCode(0)).contains(AlignmentMode.UNSPECIFIED);
        assertThat(AlignmentMode.fromCode(114)).contains(AlignmentMode.RELAXED);
        assertThat(AlignmentMode.fromCode(115)).contains(AlignmentMode.STRICT);
        assertThat(AlignmentMode.fromCode(113)).isEmpty();
    }

    @Test
    void requestedPoliciesAreTheRecordsCharacters() {
        // libopendmarc/dmarc.h: DMARC_RECORD_P_UNSPECIFIED '\0', _NONE 'n', _QUARANTINE 'q', _REJECT 'r'
        assertThat(RequestedPolicy.fromCode(0)).contains(RequestedPolicy.UNSPECIFIED);
        assertThat(RequestedPolicy.fromCode(110)).contains(RequestedPolicy.NONE);
        assertThat(RequestedPolicy.fromCode(113)).contains(RequestedPolicy.QUARANTINE);
        assertThat(RequestedPolicy.fromCode(114)).contains(RequestedPolicy.REJECT);
        assertThat(RequestedPolicy.fromCode(115)).isEmpty();
    }

    @Test
    void alignmentOutcomesFollowDmarcPolicyAlignment() {
        // libopendmarc/dmarc.h: DMARC_POLICY_{DKIM,SPF}_ALIGNMENT_PASS 4, _FAIL 5; 0 before evaluation
        assertThat(AlignmentOutcome.fromCode(0)).contains(AlignmentOutcome.NOT_EVALUATED);
        assertThat(AlignmentOutcome.fromCode(4)).contains(AlignmentOutcome.PASS);
        assertThat(AlignmentOutcome.fromCode(5)).contains(AlignmentOutcome.FAIL);
        assertThat(AlignmentOutcome.fromCode(1)).isEmpty();
        assertThat(AlignmentOutcome.fromCode(6)).isEmpty();
    }

    @Test
    void arcPolicyResultsFollowDmarcArcPolicyResult() {
        // opendmarc/opendmarc.h: DMARC_ARC_POLICY_RESULT_PASS 0, _UNUSED 1, _FAIL 2
        assertThat(ArcPolicyResult.fromCode(0)).contains(ArcPolicyResult.PASS);
        assertThat(ArcPolicyResult.fromCode(1)).contains(ArcPolicyResult.UNUSED);
        assertThat(ArcPolicyResult.fromCode(2)).contains(ArcPolicyResult.FAIL);
        assertThat(ArcPolicyResult.fromCode(-1)).isEmpty();
        assertThat(ArcPolicyResult.fromCode(3)).isEmpty();
    }

    @Test
    void milterActionsFollowDmarcResult() {
        // opendmarc/opendmarc.h: DMARC_RESULT_REJECT 0, _DISCARD 1, _ACCEPT 2, _TEMPFAIL 3, _QUARANTINE 4
        assertThat(MilterAction.fromCode(0)).contains(MilterAction.REJECT);
        assertThat(MilterAction.fromCode(1)).contains(MilterAction.DISCARD);
        assertThat(MilterAction.fromCode(2)).contains(MilterAction.ACCEPT);
        assertThat(MilterAction.fromCode(3)).contains(MilterAction.TEMPFAIL);
        assertThat(MilterAction.fromCode(4)).contains(MilterAction.QUARANTINE);
        assertThat(MilterAction.fromCode(5)).isEmpty();
        assertThat(MilterAction.fromCode(-1)).isEmpty();
    }
}
