package org.jamesdmarc.policy;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

import org.jamesdmarc.dns.DomainName;

/**
 * The {@code _dmarc.<domain>} names of a list of domains, as an unmodifiable list whose names are made
 * when read: most evaluations never look at the names their discovery queried, so they are not built
 * for every message.
 */
final class DmarcNames extends AbstractList<String> implements RandomAccess {

    private final DomainName[] domains;

    /** {@code domains} is copied. */
    DmarcNames(List<DomainName> domains) {
        this.domains = domains.toArray(new DomainName[0]);
    }

    @Override
    public String get(int index) {
        return "_dmarc." + domains[index].name();
    }

    @Override
    public int size() {
        return domains.length;
    }
}
