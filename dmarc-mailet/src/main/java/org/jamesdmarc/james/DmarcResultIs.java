package org.jamesdmarc.james;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose DMARC result ({@code org.jamesdmarc.result}, set by {@link DmarcCheck} or
 * {@link DmarcMessageHook}) is one of the condition's comma list: {@code pass}, {@code fail}, {@code none},
 * {@code temperror}, {@code permerror}, {@code skipped}. The condition is required; a
 * missing or unknown value stops James at start-up. Mail without the attribute never matches.
 *
 * <p>Examples ({@code mailetcontainer.xml}, after {@link DmarcCheck}):
 * <pre>{@code
 * <!-- No usable From field (permerror; refused ones, with disposition reject, are matched by
 *      IsDmarcFail=reject too): keep it aside. Bouncing it (class="Bounce") would send backscatter to
 *      forged senders; refuse it at SMTP time with DmarcMessageHook instead when the client should be told. -->
 * <mailet match="org.jamesdmarc.james.DmarcResultIs=permerror" class="ToRepository">
 *     <repositoryPath>file://var/mail/dmarc-unreadable-from/</repositoryPath>
 * </mailet>
 * <!-- DNS trouble: let another processor decide (e.g. retry later) -->
 * <mailet match="org.jamesdmarc.james.DmarcResultIs=temperror" class="ToProcessor">
 *     <processor>dmarc-temperror</processor>
 * </mailet>
 * <!-- tag mail that did not pass -->
 * <mailet match="org.jamesdmarc.james.DmarcResultIs=fail,permerror" class="SetMimeHeader">
 *     <name>X-DMARC-Status</name>
 *     <value>not-passed</value>
 * </mailet>
 * }</pre>
 */
public class DmarcResultIs extends GenericMatcher {

    private Set<String> results = Set.of();

    @Override
    public void init() throws MessagingException {
        results = ConditionList.parse("DmarcResultIs", getCondition(), DmarcAttributes.RESULTS);
        if (results.isEmpty()) {
            throw new MessagingException("DmarcResultIs needs a condition: a comma list of "
                    + String.join(", ", DmarcAttributes.RESULTS));
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean matches = DmarcAttributes.string(mail, DmarcAttributes.RESULT).filter(results::contains).isPresent();
        return matches ? mail.getRecipients() : List.of();
    }

    @Override
    public String getMatcherInfo() {
        return "DmarcResultIs matcher";
    }
}
