package org.jamesdmarc.policy;

/** Whether an authenticated identifier is aligned with the Author Domain (RFC 9989 §4.4). */
public enum AlignmentStatus {
    ALIGNED,
    NOT_ALIGNED,
    /** The Organizational Domain of one of the two could not be found (DNS temporary failure). */
    TEMPERROR,
    /** Not evaluated: the identifier's authentication result could never count (e.g. DKIM fail). */
    NOT_CHECKED
}
