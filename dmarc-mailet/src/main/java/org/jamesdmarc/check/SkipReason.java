package org.jamesdmarc.check;

/** Why a message was not evaluated (the OpenDMARC options that lead there in brackets). */
public enum SkipReason {
    /** The client (or the original client behind a trusted relay) is listed in {@code ignoreHosts} (IgnoreHosts). */
    IGNORED_HOST,
    /** The client authenticated and {@code ignoreAuthenticatedClients} is on (IgnoreAuthenticatedClients). */
    AUTHENTICATED_CLIENT,
    /** The author domain is listed in {@code ignoreMailFrom} (IgnoreMailFrom). */
    IGNORED_MAIL_FROM,
    /** No usable From field and {@code requiredHeaders} is off: nothing to evaluate. */
    NO_AUTHOR_DOMAIN,
    /** A bug in the checker: the message passes unjudged and the error is logged. */
    INTERNAL_ERROR
}
