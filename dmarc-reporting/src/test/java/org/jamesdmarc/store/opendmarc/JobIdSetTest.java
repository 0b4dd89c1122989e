package org.jamesdmarc.store.opendmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobIdSetTest {

    @Test
    void remembersEveryIdAcrossGrowthWithItsFirstLine() {
        JobIdSet set = new JobIdSet(1_000_000);
        for (long id = 0; id < 200_000; id++) {
            assertThat(set.addOrGetLine(id * 31, id + 1)).isZero();
        }
        for (long id = 0; id < 200_000; id += 997) {
            assertThat(set.addOrGetLine(id * 31, 999_999_999L)).isEqualTo(id + 1);
        }
        assertThat(set.addOrGetLine(0, 5)).isEqualTo(1); // hash 0 is an ordinary id too
    }

    @Test
    void pastItsCapacityNewIdsAreForgottenAndOldOnesKept() {
        JobIdSet set = new JobIdSet(3);
        set.addOrGetLine(10, 1);
        set.addOrGetLine(20, 2);
        set.addOrGetLine(30, 3);

        assertThat(set.addOrGetLine(40, 4)).isZero();
        assertThat(set.addOrGetLine(40, 5)).isZero();
        assertThat(set.addOrGetLine(20, 6)).isEqualTo(2);
    }
}
