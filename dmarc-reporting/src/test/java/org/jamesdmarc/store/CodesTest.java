package org.jamesdmarc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CodesTest {

    @Test
    void ourEnumerationsAreStoredAsTheirLowerCaseNamesAndReadBack() {
        assertThat(ReportLedger.State.HANDED_OFF.code()).isEqualTo("handed_off");
        assertThat(FailureReportLog.Outcome.RATE_LIMITED.code()).isEqualTo("rate_limited");
        assertThat(ReportDisposition.QUARANTINE.keyword()).isEqualTo("quarantine");
        for (ReportLedger.State s : ReportLedger.State.values()) {
            assertThat(ReportLedger.State.of(s.code())).isEqualTo(s);
        }
        for (FailureReportLog.Outcome o : FailureReportLog.Outcome.values()) {
            assertThat(FailureReportLog.Outcome.of(o.code())).isEqualTo(o);
        }
        for (ReportDisposition d : ReportDisposition.values()) {
            assertThat(ReportDisposition.parse(d.keyword())).isEqualTo(d);
        }
    }

    @Test
    void anUnknownStoredCodeIsAStoreErrorNamingItNotACrash() {
        // A row written by a newer version (or edited by hand) is refused with a message, not an IllegalArgumentException.
        assertThatThrownBy(() -> ReportLedger.State.of("bounced"))
                .isInstanceOf(StoreException.class).hasMessageContaining("State").hasMessageContaining("'bounced'");
        assertThatThrownBy(() -> FailureReportLog.Outcome.of("SENT"))
                .isInstanceOf(StoreException.class).hasMessageContaining("Outcome").hasMessageContaining("'SENT'");
        assertThatThrownBy(() -> ReportDisposition.parse("discard"))
                .isInstanceOf(StoreException.class).hasMessageContaining("ReportDisposition")
                .hasMessageContaining("'discard'");
    }
}
