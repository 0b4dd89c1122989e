package org.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ImportProgressTest {

    @Test
    void showsTheShareOfTheFileAndClearsTheLine() {
        StringWriter text = new StringWriter();
        ImportProgress p = new ImportProgress(new PrintWriter(text), true);
        p.update("h.dat", 50, 100, 1000);
        assertThat(text.toString()).startsWith("\rh.dat [###############               ] 50% 1000 messages");
        p.update("h.dat", 60, 100, 1200);
        assertThat(text.toString()).as("at most a few times a second").doesNotContain("60%");
        p.clear();
        assertThat(text.toString()).endsWith("\r\033[K");
    }

    @Test
    void aGzipFileShowsTheCountOnly() {
        StringWriter text = new StringWriter();
        new ImportProgress(new PrintWriter(text), true).update("h.dat.gz", 500, 100, 1000);
        assertThat(text.toString()).isEqualTo("\rh.dat.gz 1000 messages");
    }

    @Test
    void notOnATerminalNothingIsShown() {
        StringWriter text = new StringWriter();
        ImportProgress p = new ImportProgress(new PrintWriter(text), false);
        p.update("h.dat", 50, 100, 1000);
        p.clear();
        assertThat(text.toString()).isEmpty();
    }
}
