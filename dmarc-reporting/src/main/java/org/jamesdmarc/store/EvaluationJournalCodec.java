package org.jamesdmarc.store;

import org.jamesdmarc.check.EvaluationRecord;
import org.jamesdmarc.check.EvaluationRecordCodec;
import org.jamesdmarc.store.journal.HistoryCodec;

/**
 * An {@link EvaluationRecord} in the history journal: its {@link org.jamesdmarc.check.MessageKey} as the
 * idempotency key and {@link EvaluationRecordCodec}'s bytes (the same form as the mail attribute) as the payload.
 */
final class EvaluationJournalCodec implements HistoryCodec<EvaluationRecord> {

    static final EvaluationJournalCodec INSTANCE = new EvaluationJournalCodec();

    private EvaluationJournalCodec() {
    }

    @Override
    public String key(EvaluationRecord entry) {
        return entry.key().value();
    }

    @Override
    public byte[] encode(EvaluationRecord entry) {
        return EvaluationRecordCodec.encode(entry);
    }

    @Override
    public EvaluationRecord decode(byte[] payload) throws EvaluationRecordCodec.MalformedRecordException {
        return EvaluationRecordCodec.decode(payload);
    }
}
