package org.jamesdmarc.james;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose DMARC result is {@code fail}, as set by {@link DmarcCheck} or {@link DmarcMessageHook}
 * ({@code org.jamesdmarc.result}), and mail whose From field we refuse ({@code permerror} with disposition
 * {@code reject}: {@code requiredHeaders}, {@code rejectMultiValueFrom}), so {@code IsDmarcFail=reject} keeps
 * mail whose author cannot be read out of the inbox too (fail closed). The optional condition is a comma list of dispositions
 * ({@code none}, {@code quarantine}, {@code reject}: {@code org.jamesdmarc.disposition}) to restrict it to;
 * without a condition any DMARC fail matches. The disposition is the sender's policy after {@code t=y}
 * (one level lower) or legacy {@code pct} sampling, so {@code IsDmarcFail=reject} follows the sender's wish.
 * Mail not checked (no attribute, {@code skipped}) or delivered as {@code permerror} with disposition
 * {@code none} ({@code requiredHeaders=false}) never matches. A bad condition stops
 * James at start-up.
 *
 * <p>Examples ({@code mailetcontainer.xml}, after {@link DmarcCheck}):
 * <pre>{@code
 * <!-- reject policy: keep aside for the postmaster -->
 * <mailet match="org.jamesdmarc.james.IsDmarcFail=reject" class="ToRepository">
 *     <repositoryPath>file://var/mail/dmarc-rejected/</repositoryPath>
 * </mailet>
 * <!-- quarantine policy: deliver to Spam, and tag the subject -->
 * <mailet match="org.jamesdmarc.james.IsDmarcFail=quarantine" class="AddSubjectPrefix">
 *     <subjectPrefix>[DMARC FAIL]</subjectPrefix>
 * </mailet>
 * <mailet match="org.jamesdmarc.james.IsDmarcFail=quarantine" class="WithStorageDirective">
 *     <targetFolderName>Spam</targetFolderName>
 * </mailet>
 * <!-- any failure, whatever the policy: a header for the users' filters -->
 * <mailet match="org.jamesdmarc.james.IsDmarcFail" class="SetMimeHeader">
 *     <name>X-DMARC-Fail</name>
 *     <value>yes</value>
 * </mailet>
 * }</pre>
 */
public class IsDmarcFail extends GenericMatcher {

    private Set<String> dispositions = Set.of();

    @Override
    public void init() throws MessagingException {
        dispositions = ConditionList.parse("IsDmarcFail", getCondition(), DmarcAttributes.DISPOSITIONS);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        String result = DmarcAttributes.string(mail, DmarcAttributes.RESULT).orElse("");
        String disposition = DmarcAttributes.string(mail, DmarcAttributes.DISPOSITION).orElse("");
        boolean refusedFrom = result.equals("permerror") && disposition.equals("reject");
        if (!result.equals("fail") && !refusedFrom) {
            return List.of();
        }
        if (!dispositions.isEmpty()) {
            if (!dispositions.contains(disposition)) {
                return List.of();
            }
        }
        return mail.getRecipients();
    }

    @Override
    public String getMatcherInfo() {
        return "IsDmarcFail matcher";
    }
}
