package org.jamesdmarc.check;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.jamesdmarc.auth.DkimResult;
import org.jamesdmarc.auth.SpfResult;
import org.jamesdmarc.auth.SpfScope;
import org.jamesdmarc.dns.DomainName;
import org.jamesdmarc.policy.AlignmentMode;
import org.jamesdmarc.policy.AlignmentStatus;
import org.jamesdmarc.policy.AppliedPolicy;
import org.jamesdmarc.policy.AppliedPolicyTag;
import org.jamesdmarc.policy.DiscoveryMode;
import org.jamesdmarc.policy.Disposition;
import org.jamesdmarc.policy.DmarcResult;
import org.jamesdmarc.policy.Policy;
import org.jamesdmarc.policy.PolicyDomainRole;
import org.jamesdmarc.policy.PolicyOverride;
import org.jamesdmarc.policy.PsdFlag;

/**
 * The one byte form of an {@link EvaluationRecord}: what a mail attribute carries from the DMARC check to the
 * history mailet, and what the history's local journal keeps while the database is away. Compact, versioned,
 * and strict when read back: bytes that are not a record of this version give a {@link MalformedRecordException}
 * naming what is wrong, never another exception and never a partly filled record.
 *
 * <p>Layout (version 2), all through {@link DataOutputStream}: the version byte, then the fields in record order.
 * Version 1 (read still: a journal left by the previous release is replayed after an upgrade) ends after the DKIM
 * signatures; version 2 adds the ARC sealer.
 * Enums are written by their Java name (reordering constants never changes a stored record's meaning; renaming one
 * is a format change). Strings are modified UTF-8 ({@code writeUTF}); lists are a count then the items; an
 * {@code Optional} is a presence byte then the value.
 */
public final class EvaluationRecordCodec {

    /** The format written by {@link #encode}. */
    public static final int VERSION = 2;
    /** The format before the ARC sealer was kept: no {@code arcSealer} (empty when read). */
    static final int VERSION_WITHOUT_ARC = 1;

    /** Longest list (recipient domains, overrides, DKIM signatures, URIs) {@link #decode} accepts. */
    static final int MAX_LIST = 10_000;

    private EvaluationRecordCodec() {
    }

    /** Thrown by {@link #decode} for bytes that are not a record this code can read. */
    public static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message);
        }

        MalformedRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The record as bytes. Never throws for a valid record (its constructor checked it). */
    public static byte[] encode(EvaluationRecord r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(r.key().value());
            out.writeLong(r.time().toEpochMilli());
            byte[] ip = r.sourceIp().getAddress();
            out.writeByte(ip.length);
            out.write(ip);
            writeDomain(out, r.headerFrom());
            writeDomain(out, r.envelopeFrom());
            out.writeInt(r.envelopeTo().size());
            for (DomainName d : r.envelopeTo()) {
                out.writeUTF(d.name());
            }
            writeDomain(out, r.policyDomain());
            out.writeUTF(r.discoveryMode().name());
            writeEnum(out, r.policyDomainRole());
            out.writeBoolean(r.published().isPresent());
            if (r.published().isPresent()) {
                writePublished(out, r.published().get());
            }
            out.writeUTF(r.result().name());
            out.writeBoolean(r.appliedPolicy().isPresent());
            if (r.appliedPolicy().isPresent()) {
                out.writeUTF(r.appliedPolicy().get().tag().name());
                out.writeUTF(r.appliedPolicy().get().policy().name());
            }
            out.writeUTF(r.disposition().name());
            out.writeUTF(r.action().name());
            out.writeInt(r.overrides().size());
            for (PolicyOverride o : r.overrides()) {
                out.writeUTF(o.name());
            }
            writeDomain(out, r.spf().domain());
            out.writeUTF(r.spf().scope().name());
            out.writeUTF(r.spf().result().name());
            out.writeUTF(r.spf().alignment().name());
            out.writeInt(r.dkim().size());
            for (EvaluationRecord.Dkim d : r.dkim()) {
                writeDomain(out, d.domain());
                out.writeUTF(d.selector());
                out.writeUTF(d.result().name());
                out.writeUTF(d.alignment().name());
            }
            out.writeBoolean(r.arcSealer().isPresent());
            if (r.arcSealer().isPresent()) {
                out.writeUTF(r.arcSealer().get().domain().name());
                out.writeByte(r.arcSealer().get().instance());
            }
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; writeUTF refuses only strings over 65,535 bytes, which a
            // validated record (domain names, selectors and URIs from DNS TXT records) cannot hold.
            throw new UncheckedIOException("cannot encode evaluation record " + r.key().value(), e);
        }
        return bytes.toByteArray();
    }

    /** The record {@link #encode} wrote into {@code bytes}. */
    public static EvaluationRecord decode(byte[] bytes) throws MalformedRecordException {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedRecordException("empty evaluation record");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_WITHOUT_ARC) {
                throw new MalformedRecordException("evaluation record format " + version + " is not "
                        + VERSION_WITHOUT_ARC + " or " + VERSION
                        + " (written by another version of James DMARC)");
            }
            MessageKey key = new MessageKey(in.readUTF());
            Instant time = Instant.ofEpochMilli(in.readLong());
            int ipLength = in.readUnsignedByte();
            if (ipLength != 4 && ipLength != 16) {
                throw new MalformedRecordException("source IP of " + ipLength + " bytes");
            }
            byte[] ip = new byte[ipLength];
            in.readFully(ip);
            InetAddress sourceIp = InetAddress.getByAddress(ip);
            Optional<DomainName> headerFrom = readDomain(in);
            Optional<DomainName> envelopeFrom = readDomain(in);
            int rcpts = count(in);
            List<DomainName> envelopeTo = new ArrayList<>(Math.min(rcpts, 16));
            for (int i = 0; i < rcpts; i++) {
                envelopeTo.add(DomainName.of(in.readUTF()));
            }
            Optional<DomainName> policyDomain = readDomain(in);
            DiscoveryMode mode = DiscoveryMode.valueOf(in.readUTF());
            Optional<PolicyDomainRole> role = readEnum(in, PolicyDomainRole.class);
            Optional<EvaluationRecord.PublishedPolicy> published = in.readBoolean()
                    ? Optional.of(readPublished(in)) : Optional.empty();
            DmarcResult result = DmarcResult.valueOf(in.readUTF());
            Optional<AppliedPolicy> applied = in.readBoolean()
                    ? Optional.of(new AppliedPolicy(AppliedPolicyTag.valueOf(in.readUTF()), Policy.valueOf(in.readUTF())))
                    : Optional.empty();
            Disposition disposition = Disposition.valueOf(in.readUTF());
            ActionTaken action = ActionTaken.valueOf(in.readUTF());
            int overrideCount = count(in);
            List<PolicyOverride> overrides = new ArrayList<>(Math.min(overrideCount, 16));
            for (int i = 0; i < overrideCount; i++) {
                overrides.add(PolicyOverride.valueOf(in.readUTF()));
            }
            EvaluationRecord.Spf spf = new EvaluationRecord.Spf(readDomain(in), SpfScope.valueOf(in.readUTF()),
                    SpfResult.valueOf(in.readUTF()), AlignmentStatus.valueOf(in.readUTF()));
            int dkimCount = count(in);
            List<EvaluationRecord.Dkim> dkim = new ArrayList<>(Math.min(dkimCount, 16));
            for (int i = 0; i < dkimCount; i++) {
                dkim.add(new EvaluationRecord.Dkim(readDomain(in), in.readUTF(), DkimResult.valueOf(in.readUTF()),
                        AlignmentStatus.valueOf(in.readUTF())));
            }
            Optional<EvaluationRecord.ArcSealer> arcSealer = version == VERSION_WITHOUT_ARC || !in.readBoolean()
                    ? Optional.empty()
                    : Optional.of(new EvaluationRecord.ArcSealer(DomainName.of(in.readUTF()), in.readUnsignedByte()));
            if (in.available() != 0) {
                throw new MalformedRecordException(in.available() + " bytes after the end of the evaluation record");
            }
            return new EvaluationRecord(key, time, sourceIp, headerFrom, envelopeFrom, envelopeTo, policyDomain, mode,
                    role, published, result, applied, disposition, action, overrides, spf, dkim, arcSealer);
        } catch (MalformedRecordException e) {
            throw e;
        } catch (EOFException e) {
            throw new MalformedRecordException("evaluation record cut short", e);
        } catch (UnknownHostException | IllegalArgumentException | NullPointerException | ArithmeticException e) {
            // An enum name we do not know, a domain or key that does not validate, a time out of range.
            throw new MalformedRecordException("evaluation record does not validate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedRecordException("evaluation record unreadable: " + e.getMessage(), e);
        }
    }

    private static void writePublished(DataOutputStream out, EvaluationRecord.PublishedPolicy p) throws IOException {
        writeEnum(out, p.p());
        writeEnum(out, p.sp());
        writeEnum(out, p.np());
        out.writeUTF(p.psd().name());
        out.writeBoolean(p.testing());
        out.writeUTF(p.adkim().name());
        out.writeUTF(p.aspf().name());
        writeStrings(out, p.fo());
        writeStrings(out, p.rua());
        writeStrings(out, p.ruf());
        out.writeInt(p.pct().isPresent() ? p.pct().getAsInt() : -1);
    }

    private static EvaluationRecord.PublishedPolicy readPublished(DataInputStream in)
            throws IOException, MalformedRecordException {
        Optional<Policy> p = readEnum(in, Policy.class);
        Optional<Policy> sp = readEnum(in, Policy.class);
        Optional<Policy> np = readEnum(in, Policy.class);
        PsdFlag psd = PsdFlag.valueOf(in.readUTF());
        boolean testing = in.readBoolean();
        AlignmentMode adkim = AlignmentMode.valueOf(in.readUTF());
        AlignmentMode aspf = AlignmentMode.valueOf(in.readUTF());
        List<String> fo = readStrings(in);
        List<String> rua = readStrings(in);
        List<String> ruf = readStrings(in);
        int pct = in.readInt();
        if (pct < -1 || pct > 100) {
            throw new MalformedRecordException("pct " + pct + " out of 0..100");
        }
        return new EvaluationRecord.PublishedPolicy(p, sp, np, psd, testing, adkim, aspf, fo, rua, ruf,
                pct < 0 ? OptionalInt.empty() : OptionalInt.of(pct));
    }

    private static void writeDomain(DataOutputStream out, Optional<DomainName> d) throws IOException {
        out.writeUTF(d.map(DomainName::name).orElse(""));
    }

    private static Optional<DomainName> readDomain(DataInputStream in) throws IOException {
        String s = in.readUTF();
        return s.isEmpty() ? Optional.empty() : Optional.of(DomainName.of(s));
    }

    private static void writeEnum(DataOutputStream out, Optional<? extends Enum<?>> e) throws IOException {
        out.writeUTF(e.map(Enum::name).orElse(""));
    }

    private static <E extends Enum<E>> Optional<E> readEnum(DataInputStream in, Class<E> type) throws IOException {
        String s = in.readUTF();
        return s.isEmpty() ? Optional.empty() : Optional.of(Enum.valueOf(type, s));
    }

    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException, MalformedRecordException {
        int n = count(in);
        List<String> values = new ArrayList<>(Math.min(n, 16));
        for (int i = 0; i < n; i++) {
            values.add(in.readUTF());
        }
        return values;
    }

    private static int count(DataInputStream in) throws IOException, MalformedRecordException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LIST) {
            throw new MalformedRecordException("list of " + n + " items (0.." + MAX_LIST + ")");
        }
        return n;
    }
}
