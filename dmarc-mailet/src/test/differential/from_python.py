#!/usr/bin/env python3
"""Reads a JSON array of header sections (strings, bytes as code points U+0000-U+00FF = Latin-1 of the UTF-8
wire bytes) on stdin; prints a JSON array with, for each, the list of author domains Python's email package
(policy.default, as a mail client built on it shows them) reads from its From fields, or null when it reads none."""
import json
import sys
from email import message_from_bytes, policy


def domains(raw_header: str):
    data = raw_header.encode("latin-1") + b"\r\n\r\nbody\r\n"
    try:
        msg = message_from_bytes(data, policy=policy.default)
        out = []
        for value in msg.get_all("From") or []:
            for addr in getattr(value, "addresses", ()):
                if addr.domain:
                    # The parser keeps raw 8-bit header bytes (RFC 6532 UTF-8) as surrogate escapes; a client
                    # shows them decoded as UTF-8.
                    out.append(addr.domain.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        return out or None
    except Exception:  # a parser that gives up shows no author
        return None


def main():
    sections = json.load(sys.stdin)
    json.dump([domains(s) for s in sections], sys.stdout)


if __name__ == "__main__":
    main()
