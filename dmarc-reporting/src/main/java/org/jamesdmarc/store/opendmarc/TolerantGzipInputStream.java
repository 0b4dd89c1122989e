package org.jamesdmarc.store.opendmarc;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip stream whose corruption (bad data, a file cut short) ends it instead of failing: what was readable is
 * read, and {@link #corrupt()} tells the reader to warn. Errors of the file itself still pass as I/O errors.
 */
final class TolerantGzipInputStream extends FilterInputStream {

    private boolean corrupt;

    TolerantGzipInputStream(InputStream compressed) throws IOException {
        super(open(compressed));
    }

    private static InputStream open(InputStream compressed) throws IOException {
        try {
            return new GZIPInputStream(compressed, 64 * 1024);
        } catch (ZipException | EOFException badHeader) {
            return InputStream.nullInputStream();
        }
    }

    /** True once the compressed data turned out corrupt (or its header already was: nothing is read then). */
    boolean corrupt() {
        return corrupt || in instanceof GZIPInputStream == false;
    }

    @Override
    public int read() throws IOException {
        try {
            return corrupt ? -1 : super.read();
        } catch (ZipException | EOFException e) {
            corrupt = true;
            return -1;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return corrupt ? -1 : super.read(b, off, len);
        } catch (ZipException | EOFException e) {
            corrupt = true;
            return -1;
        }
    }
}
