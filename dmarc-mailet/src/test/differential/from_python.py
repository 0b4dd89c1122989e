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
                    out.append(addr.domain)
        return out or None
    except Exception:  # a parser that gives up shows no author
        return None


def main():
    sections = json.load(sys.stdin)
    json.dump([domains(s) for s in sections], sys.stdout)


if __name__ == "__main__":
    main()
