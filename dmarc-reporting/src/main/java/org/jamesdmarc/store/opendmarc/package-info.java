/**
 * OpenDMARC compatibility, James-free: a streaming reader of the history files OpenDMARC 1.4.x appends one
 * message at a time ({@code HistoryFile}), for {@code dmarc history import}, and
 * {@link org.jamesdmarc.store.opendmarc.OpenDmarcHistoryWriter}, which appends our records in the same format for
 * existing OpenDMARC tooling (the {@code historyFile} parameter). {@link OpenDmarcHistoryReader} turns a
 * file into immutable {@link HistoryEntry} records and reports every problem as a {@link HistoryWarning} carrying
 * its line number; it never throws on content and its memory is bounded by {@link HistoryReadLimits}.
 *
 * <p>The format, as written by OpenDMARC 1.4.2 ({@code opendmarc/opendmarc.c}, the {@code mctx_histbuf} lines):
 * one {@code key value} line per fact, an entry starting at its {@code job} line; the numeric values are
 * OpenDMARC's internal codes, decoded by the enums of this package, each citing the header its table comes from.
 *
 * <p>May import: the JDK, Jackson, {@code org.jamesdmarc.dns} (IP literals) and, for the records, the core's
 * {@code check}, {@code policy} and {@code auth}; never {@code org.jamesdmarc.cli},
 * {@code org.jamesdmarc.james} or a James API.
 */
package org.jamesdmarc.store.opendmarc;
