/**
 * The RFC 5322 header layer: reads the header fields of a raw message that DMARC needs, strictly and with
 * bounded work, so no hostile header makes two readers (ours and javax.mail, or ours and a downstream
 * filter) disagree about what a field says.
 *
 * <ul>
 *   <li>{@link HeaderSection}: the header section of one message, read once and handed to every reader:
 *       its {@link HeaderField}s as javax.mail counts them (unfolded, in order) and the structural anomalies a
 *       strict reading finds ({@link HeaderSection.Anomaly}); {@link HeaderLexer}: the one character-level
 *       lexer (unfolding, CFWS, comments, quoted-strings, atoms, tokens, {@link EncodedWord} recognition) of
 *       the From, Authentication-Results, Received-SPF and Received grammars, whose errors are
 *       {@link HeaderSyntaxError}s.</li>
 *   <li>{@link FromHeaderParser} (with {@link AddressListParser}): the Author Domain of the From field(s) as an
 *       {@link AuthorDomainResult}, never one domain picked out of several ("Composition Kills" attacks).</li>
 *   <li>{@link AuthenticationResultsParser}: one Authentication-Results field ({@link AuthenticationResults},
 *       {@link MethodResult}, {@link Property}); {@link OwnAuthResultsRemover}: the fields that claim our own
 *       authserv-id (forgeries) and the ones whose results may be believed ({@link AuthResultsFields}).</li>
 *   <li>{@link ReceivedHeaderParser}: the client a trusted relay saw, from the Received field it added
 *       ({@link RelayedClient} in a {@link ReceivedParseResult}), and the original client behind a chain of
 *       trusted relays ({@link OriginalClient}).</li>
 * </ul>
 * SPF's Received-SPF field is read in {@code auth} (it is SPF's result), with this package's lexer.
 *
 * <p><b>The principle</b> (issue 8): our reading of the author must equal what mainstream mail clients read,
 * or the From is ambiguous and refused ({@link AuthorDomainResult.Malformed}, never a domain). The user trusts
 * the address their client shows; a DMARC pass for any other domain is a spoof. So wherever clients' readings
 * can part, the From reader refuses instead of choosing: a header line that is not strictly a field, a
 * continuation that reads like a field, a bare CR anywhere in the header section (clients break lines there
 * or not), an {@code "=?"} that does not open a well-formed encoded-word or one whose extent or decoded text
 * could change the address structure (clients decode RFC 2047 words wherever they find them and read them
 * from {@code "=?"} to {@code "?="}), a domain that is no IDNA2008 name or holds a code point clients show as
 * nothing ({@link org.jamesdmarc.dns.IdnaRules}), an address-less list element holding a comment. The
 * differential test {@code FromDifferentialTest} checks it against mime4j, javax.mail, Python's {@code email}
 * and two npm parsers: wherever one of them shows an author domain we would not evaluate, we refuse.
 *
 * <p>RFCs: RFC 5322 §2.2 (header fields, §2.2.3 unfolding), §3.2.2–§3.2.4 (CFWS, atext, quoted-string),
 * §3.4 (address-list, mailbox, group), §3.6 (one From field), §3.6.8 (field names), §4.4–§4.5 (obsolete
 * syntax); RFC 6532 (UTF-8 in header fields); RFC 6854 (group syntax in From); RFC 2047 §2 (encoded-word
 * syntax), §5 (no encoded-word in an addr-spec), RFC 2231 §5 (language in an encoded-word); RFC 4155 (mbox "From " line); RFC 2045 §5.1 (tokens); RFC 5891 (IDNA: U-labels to A-labels, no IDNA2003 mappings);
 * RFC 9989 §5.3.1 (extract the Author Domain) and §11.5 (several Author Domains); RFC 8601 §2.2 (syntax),
 * §2.5 (authserv-id), §5 (removing forged fields); RFC 5321 §4.4 (Received trace fields).
 *
 * <p>May import (enforced by {@code LayeringTest}): the JDK and {@code org.jamesdmarc.dns}; nothing else,
 * in particular no javax.mail or mime4j (James adapters convert a MimeMessage to {@code HeaderField}s).
 */
package org.jamesdmarc.mail;
