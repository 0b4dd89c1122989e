#!/usr/bin/python3
"""dkimpy's ARC signer and verifier as a process, for ArcDkimpyInteropTest.

  dkimpy-arc.py sign SELECTOR DOMAIN KEYFILE SRVID < message > message with the new ARC set on top
      KEYFILE: a PKCS#1 PEM RSA private key; the message needs an Authentication-Results field of SRVID
      (dkimpy records it in the AAR and takes cv= from its arc= result).
  dkimpy-arc.py verify KEYS [FILE...] < message
      prints "cv=<none|pass|fail> reason" for the message on stdin, or one such line per FILE (one process for
      several messages: starting Python is most of the cost). KEYS: one "name<TAB>TXT text" line per key record,
      the only DNS dkimpy sees.
"""
import sys

import dkim


def main():
    mode = sys.argv[1]
    if mode == "sign":
        message = sys.stdin.buffer.read()
        selector, domain, keyfile, srv_id = sys.argv[2:6]
        with open(keyfile, "rb") as f:
            key = f.read()
        fields = dkim.arc_sign(message, selector.encode(), domain.encode(), key, srv_id.encode())
        sys.stdout.buffer.write(b"".join(fields) + message)
    elif mode == "verify":
        records = {}
        with open(sys.argv[2], "r") as f:
            for line in f:
                name, text = line.rstrip("\n").split("\t", 1)
                records[name.rstrip(".") + "."] = text.encode()

        def dnsfunc(name, timeout=5):
            n = name.decode() if isinstance(name, bytes) else name
            return records.get(n.rstrip(".") + ".")

        messages = []
        for path in sys.argv[3:]:
            with open(path, "rb") as f:
                messages.append(f.read())
        if not messages:
            messages.append(sys.stdin.buffer.read())
        for message in messages:
            cv, _, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
            print("cv=" + cv.decode() + " " + str(reason).replace("\n", " "))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
