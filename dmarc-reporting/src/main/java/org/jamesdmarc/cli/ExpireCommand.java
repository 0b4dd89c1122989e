package org.jamesdmarc.cli;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import org.jamesdmarc.store.ReportSettings;

/**
 * What the {@code expire} commands ({@code dmarc history expire}, {@code dmarc report expire}) share besides
 * {@link DatabaseCommand}: the bounds of {@code --days}, the batch size, the clock and the James home's report
 * settings.
 */
abstract class ExpireCommand extends DatabaseCommand {

    /** Rows (messages, reports) per transaction. */
    static final int BATCH = 1000;
    /** About 27 years: more is a mistake, and the cutoff stays after the epoch. */
    static final int MAX_DAYS = 10_000;

    final Clock clock;

    ExpireCommand(String command, Map<String, String> environment, Clock clock) {
        super(command, environment);
        this.clock = clock;
    }

    /** The complaint about {@code --days N} outside 1..{@value #MAX_DAYS}; empty when N is fine. */
    static Optional<String> badDays(int days) {
        return days < 1 || days > MAX_DAYS
                ? Optional.of("--days must be between 1 and " + MAX_DAYS + ": " + days)
                : Optional.empty();
    }

    /**
     * The report settings of the James home the database options name.
     *
     * @throws org.jamesdmarc.store.SettingsException for bad settings
     */
    final ReportSettings reportSettings() {
        return ReportSettings.load(jamesHome());
    }
}
