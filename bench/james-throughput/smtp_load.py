#!/usr/bin/env python3
"""SMTP load client for the James throughput benchmark (loopback only).

Postfix's smtp-source cannot choose its source address, and mail from 127.0.0.1
is an "authorized address" in the sample James, so this small client does the
same job while binding 127.0.0.2 (an unauthenticated remote sender whose mail
the DMARC check evaluates, and the address the sender.test SPF record allows).

  smtp_load.py send  ...   send N messages over S parallel sessions, then wait
                           until the mailbox holds N more messages (IMAP STATUS)
                           and print one JSON line with the timings
  smtp_load.py count ...   print the number of messages in the recipients' INBOXes
  smtp_load.py headers ... print the header of the newest message in the first
                           recipient's INBOX
  smtp_load.py users ...   create the recipients through WebAdmin (parallel, keep-alive), or
                           delete their mailboxes
  smtp_load.py cpu ...     print the CPU clock ticks (utime+stime) of the given pids and
                           of all processes called "postgres", as JSON

Message i goes to bench<i mod K + 1>@james.local (K = --recipients): James's
memory mailbox gets slower as one mailbox grows, so the load is spread over K
mailboxes (users the caller creates, password --password).

Standard library only. Nothing leaves 127.0.0.0/8 (checked).
"""
import argparse
import concurrent.futures
import http.client
import imaplib
import ipaddress
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from email.utils import formatdate


def loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        raise SystemExit(f"smtp_load: {addr} is not a loopback address; refusing")
    return addr


class SmtpError(Exception):
    pass


class Session:
    """One plain SMTP connection (no pipelining, no TLS)."""

    def __init__(self, host, port, source, helo, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout, source_address=(source, 0))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")
        self.expect(220)
        self.command(f"EHLO {helo}", 250)

    def reply(self):
        lines = []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                raise SmtpError("connection closed by server")
            lines.append(line.decode("ascii", "replace").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                break
        return int(lines[-1][:3]), lines

    def expect(self, code):
        got, lines = self.reply()
        if got != code:
            raise SmtpError(f"expected {code}, got {' | '.join(lines)}")

    def command(self, text, code):
        self.sock.sendall(text.encode("ascii") + b"\r\n")
        self.expect(code)

    def send(self, mail_from, rcpt, data):
        self.command(f"MAIL FROM:<{mail_from}>", 250)
        self.command(f"RCPT TO:<{rcpt}>", 250)
        self.command("DATA", 354)
        self.sock.sendall(data)
        self.expect(250)

    def quit(self):
        try:
            self.command("QUIT", 221)
        except (OSError, SmtpError):
            pass
        self.close()

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass


def message(index, run_id, header_from, rcpt, size, discard=False):
    """A plain message of about `size` body bytes: CRLF lines, no line starting with a dot (so no dot-stuffing
    is needed), without the final dot of SMTP DATA (see `data`). With `discard` it carries
    `X-Bench-Discard: yes`, which the benchmark's mailetcontainer sends to `Null` after the DMARC mailets."""
    head = ([DISCARD_HEADER] if discard else []) + [
        f"From: Bench Sender <{header_from}>",
        f"To: <{rcpt}>",
        f"Subject: james-throughput {run_id} #{index}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: <{run_id}.{index}@{header_from.split('@', 1)[1]}>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
    ]
    line = "The quick brown fox jumps over the lazy dog, message " + str(index) + "."
    line = (line + " " * 72)[:72]
    body = [line] * max(1, size // (len(line) + 2))
    return ("\r\n".join(head + body) + "\r\n").encode("ascii")


DISCARD_HEADER = "X-Bench-Discard: yes"


def data(raw):
    """A message in SMTP DATA form: its lines never start with a dot, so only the final dot is added."""
    return raw + b".\r\n"


def dkim_sign(raws, command):
    """Signs every message with one run of `command` (DkimSignTool sign: length-prefixed frames in and out)."""
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def feed():
        try:
            for raw in raws:
                proc.stdin.write(struct.pack(">I", len(raw)))
                proc.stdin.write(raw)
        finally:
            proc.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    signed = []
    for _ in raws:
        head = proc.stdout.read(4)
        if len(head) != 4:
            break
        (length,) = struct.unpack(">I", head)
        signed.append(proc.stdout.read(length))
    feeder.join()
    if proc.wait() != 0 or len(signed) != len(raws):
        raise SystemExit(f"smtp_load: DKIM signer failed (exit {proc.returncode}, {len(signed)} of {len(raws)} signed)")
    for m in signed:
        if not m.startswith(b"DKIM-Signature:"):
            raise SystemExit("smtp_load: DKIM signer returned a message without a DKIM-Signature field")
    return signed


def imap_count(port, user, password, host="127.0.0.1"):
    imap = imaplib.IMAP4(host, port, timeout=10)
    try:
        imap.login(user, password)
        typ, data = imap.status("INBOX", "(MESSAGES)")
        if typ != "OK":
            raise SystemExit(f"smtp_load: IMAP STATUS failed: {data}")
        text = data[0].decode()
        return int(text.split("MESSAGES", 1)[1].strip(" )"))
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def recipients(args):
    """bench1@DOMAIN .. benchK@DOMAIN: mail is spread over K mailboxes, as on a real MX."""
    return [f"{args.rcpt_prefix}{k}@{args.rcpt_domain}" for k in range(1, args.recipients + 1)]


def total_count(args):
    # One IMAP login per mailbox; in parallel, as there may be a thousand of them (outside the timed part).
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return sum(pool.map(lambda u: imap_count(args.imap_port, u, args.password), recipients(args)))


def proc_ticks(pid):
    """utime + stime of one process in clock ticks (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def postgres_ticks():
    """utime + stime of every live process whose command is "postgres" (server and backends), in clock ticks."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                text = f.read()
        except OSError:
            continue
        if text[text.find("(") + 1:text.rfind(")")] == "postgres":
            fields = text.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total


def thread_ticks(pids):
    """utime + stime per thread group of the given processes: thread names (/proc/PID/task/TID/comm, at most 15
    characters) without trailing digits and dashes, e.g. "smtpserver-mx-i", "C2 CompilerThre"."""
    groups = {}
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    text = f.read()
            except OSError:
                continue
            name = text[text.find("(") + 1:text.rfind(")")].rstrip("0123456789-# ") or "?"
            fields = text.rsplit(")", 1)[1].split()
            groups[name] = groups.get(name, 0) + int(fields[11]) + int(fields[12])
    return groups


def cpu_snapshot(pids):
    return {"pids": sum(proc_ticks(p) for p in pids), "postgres": postgres_ticks(), "threads": thread_ticks(pids)}


def cpu(args):
    print(json.dumps(cpu_snapshot(args.pid or [])))
    return 0


def users(args):
    """PUT /users/PREFIXk@DOMAIN (or DELETE .../mailboxes) for k = 1..K and every prefix, over a few keep-alive
    connections in parallel."""
    names = [f"{prefix}{k}@{args.rcpt_domain}" for prefix in args.prefix for k in range(1, args.recipients + 1)]
    body = json.dumps({"password": args.password})
    local = threading.local()

    def put(name):
        for attempt in (1, 2):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", args.webadmin_port, timeout=30)
            try:
                if args.delete_mailboxes:
                    # WebAdmin "Deleting user mailboxes": the user stays, its mailboxes (and messages) go.
                    conn.request("DELETE", f"/users/{name}/mailboxes")
                else:
                    conn.request("PUT", f"/users/{name}", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                if resp.status // 100 != 2:
                    raise SystemExit(f"smtp_load: cannot {'empty' if args.delete_mailboxes else 'create'} "
                                     f"{name} (HTTP {resp.status})")
                return
            except (OSError, http.client.HTTPException):
                conn.close()
                local.conn = None
                if attempt == 2:
                    raise

    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        list(pool.map(put, names))
    print(len(names))
    return 0


class Counter:
    def __init__(self, limit):
        self.lock = threading.Lock()
        self.next = 0
        self.limit = limit

    def take(self):
        with self.lock:
            if self.next >= self.limit:
                return None
            self.next += 1
            return self.next - 1


def send(args):
    loopback(args.host)
    loopback(args.source)
    run_id = f"{int(time.time())}-{os.getpid()}"
    users = recipients(args)
    rcpts = [users[i % len(users)] for i in range(args.count)]
    raws = [message(i, run_id, args.header_from, rcpts[i], args.size, args.discard) for i in range(args.count)]
    if args.dkim_signer:
        raws = dkim_sign(raws, args.dkim_signer.split())
    messages = [data(raw) for raw in raws]
    baseline = total_count(args)
    counter = Counter(args.count)
    failures = []
    accepted = [0] * args.sessions

    def worker(slot):
        session = None
        sent_on_session = 0
        try:
            while True:
                i = counter.take()
                if i is None:
                    break
                try:
                    if session is None:
                        session = Session(args.host, args.port, args.source, args.helo, args.timeout)
                        sent_on_session = 0
                    session.send(args.mail_from, rcpts[i], messages[i])
                    accepted[slot] += 1
                    sent_on_session += 1
                    if args.per_connection and sent_on_session >= args.per_connection:
                        session.quit()
                        session = None
                except (OSError, SmtpError) as e:
                    failures.append(f"message {i}: {e}")
                    if session is not None:
                        session.close()
                        session = None
        finally:
            if session is not None:
                session.quit()

    watcher = DeliveryLogWatcher(args.delivery_log, run_id) if args.delivery_log else None
    cpu_start = cpu_snapshot(args.cpu_pid or [])
    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in range(args.sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent_done = time.monotonic()
    n_accepted = sum(accepted)
    if args.discard:
        # Nothing is stored: the mail ends in Null after the DMARC mailets. Accepted is all we can count here;
        # the caller follows with a delivered batch, which the spool handles after these.
        print(json.dumps({"requested": args.count, "accepted": n_accepted, "failed": len(failures),
                          "discarded": True, "send_seconds": round(sent_done - start, 3),
                          "msgs_per_second": round(n_accepted / max(sent_done - start, 1e-9), 1)}))
        for f in failures[:5]:
            print(f"smtp_load: {f}", file=sys.stderr)
        return 1 if failures else 0

    # Delivered = stored in the recipient's INBOX, not just accepted by SMTP.
    target = baseline + n_accepted
    deadline = sent_done + args.deliver_timeout
    delivered_at = None
    if watcher is not None:
        # James logs one line per local delivery: wait for ours without adding
        # any load to James, then confirm once with IMAP below.
        delivered_at = watcher.wait_for(n_accepted, deadline, args.poll)
    cpu_delivered = cpu_snapshot(args.cpu_pid or [])
    if args.no_verify and delivered_at is not None:
        # The caller reads the CPU counters first (e.g. after the history has caught up) and then checks the
        # mailboxes with "count" against before + accepted: the IMAP logins of that check stay out of its figures.
        print(json.dumps({"requested": args.count, "accepted": n_accepted, "failed": len(failures),
                          "before": baseline, "sessions": args.sessions, "per_connection": args.per_connection,
                          "completion": "delivery-log", "send_seconds": round(sent_done - start, 3),
                          "deliver_seconds": round(delivered_at - start, 3),
                          "msgs_per_second": round(n_accepted / (delivered_at - start), 1),
                          "cpu_start": cpu_start, "cpu_delivered": cpu_delivered}))
        for f in failures[:5]:
            print(f"smtp_load: {f}", file=sys.stderr)
        return 1 if failures else 0
    count = total_count(args)
    while count < target and time.monotonic() < deadline:
        time.sleep(max(args.poll, 0.2))
        count = total_count(args)
    if delivered_at is None or count < target:
        delivered_at = time.monotonic()
    result = {
        "requested": args.count,
        "accepted": n_accepted,
        "failed": len(failures),
        "delivered": count - baseline,
        "sessions": args.sessions,
        "per_connection": args.per_connection,
        "completion": "delivery-log" if watcher is not None else "imap-poll",
        "send_seconds": round(sent_done - start, 3),
        "deliver_seconds": round(delivered_at - start, 3),
        "msgs_per_second": round((count - baseline) / (delivered_at - start), 1),
        "cpu_start": cpu_start,
        "cpu_delivered": cpu_delivered,
    }
    print(json.dumps(result))
    for f in failures[:5]:
        print(f"smtp_load: {f}", file=sys.stderr)
    if failures or count < target:
        if count < target:
            print(f"smtp_load: only {count - baseline} of {n_accepted} accepted messages delivered "
                  f"after {args.deliver_timeout}s", file=sys.stderr)
        return 1
    return 0


class DeliveryLogWatcher:
    """Counts James's "Local delivered mail ... <run_id.N@...>" log lines written after its creation."""

    MARK = "Local delivered mail"

    def __init__(self, path, run_id):
        self.file = open(path, "r", encoding="utf-8", errors="replace")
        self.file.seek(0, os.SEEK_END)
        self.needle = f"<{run_id}."
        self.pending = ""
        self.count = 0

    def poll(self):
        chunk = self.file.read()
        if not chunk:
            return
        lines = (self.pending + chunk).split("\n")
        self.pending = lines.pop()  # an incomplete last line waits for the next read
        self.count += sum(1 for line in lines if self.MARK in line and self.needle in line)

    def wait_for(self, n, deadline, interval):
        """The monotonic time at which n deliveries were seen, None if not before deadline."""
        while True:
            self.poll()
            now = time.monotonic()
            if self.count >= n:
                return now
            if now > deadline:
                return None
            time.sleep(interval)


def headers(args):
    imap = imaplib.IMAP4("127.0.0.1", args.imap_port, timeout=10)
    try:
        imap.login(recipients(args)[0], args.password)
        imap.select("INBOX", readonly=True)
        typ, data = imap.fetch("*", "(BODY.PEEK[HEADER])")
        if typ != "OK" or not data or not isinstance(data[0], tuple):
            raise SystemExit(f"smtp_load: cannot fetch the newest message: {data}")
        sys.stdout.write(data[0][1].decode("utf-8", "replace").replace("\r\n", "\n"))
    finally:
        imap.logout()
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def imap_opts(sp):
        sp.add_argument("--imap-port", type=int, required=True)
        sp.add_argument("--recipients", type=int, default=50, help="number of recipient mailboxes")
        sp.add_argument("--rcpt-prefix", default="bench")
        sp.add_argument("--rcpt-domain", default="james.local")
        sp.add_argument("--password", default="secret")

    s = sub.add_parser("send")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True, help="SMTP port")
    s.add_argument("--source", default="127.0.0.2", help="source address to bind")
    s.add_argument("--count", type=int, default=2000)
    s.add_argument("--sessions", type=int, default=4)
    s.add_argument("--per-connection", type=int, default=1,
                   help="messages per SMTP connection (0: keep one connection per session)")
    s.add_argument("--size", type=int, default=2048, help="approximate body size in bytes")
    s.add_argument("--helo", default="sender.test")
    s.add_argument("--mail-from", default="x@sender.test")
    s.add_argument("--header-from", default="x@sender.test")
    s.add_argument("--timeout", type=float, default=30.0, help="socket timeout (s)")
    s.add_argument("--deliver-timeout", type=float, default=120.0)
    s.add_argument("--poll", type=float, default=0.02, help="delivery poll interval (s)")
    s.add_argument("--dkim-signer", help="command (split on spaces) that DKIM-signs the messages before the clock "
                   "starts: java -cp bench/target/benchmarks.jar org.jamesdmarc.bench.DkimSignTool sign DIR DOMAIN SELECTOR")
    s.add_argument("--discard", action="store_true",
                   help="mark every message X-Bench-Discard (the benchmark's mailetcontainer drops it after the "
                        "DMARC mailets) and only wait for SMTP acceptance: a warm-up that fills no mailbox")
    s.add_argument("--delivery-log", help="James log file with one INFO line per local delivery; "
                   "without it, completion is polled with IMAP STATUS (which loads James)")
    s.add_argument("--cpu-pid", type=int, action="append",
                   help="a process (James) whose CPU ticks the result gives at the start of the clock and at delivery")
    s.add_argument("--no-verify", action="store_true",
                   help="with --delivery-log: do not count the mailboxes after delivery (print 'before' instead; "
                        "the caller checks with 'count')")
    imap_opts(s)
    c = sub.add_parser("count")
    imap_opts(c)
    h = sub.add_parser("headers")
    imap_opts(h)
    u = sub.add_parser("users")
    u.add_argument("--webadmin-port", type=int, required=True)
    u.add_argument("--recipients", type=int, default=50, help="users per prefix")
    u.add_argument("--prefix", action="append", required=True, help="user name prefix (repeatable): PREFIX1..PREFIXK")
    u.add_argument("--rcpt-domain", default="james.local")
    u.add_argument("--password", default="secret")
    u.add_argument("--parallel", type=int, default=8)
    u.add_argument("--delete-mailboxes", action="store_true",
                   help="delete the users' mailboxes instead of creating the users")
    k = sub.add_parser("cpu")
    k.add_argument("--pid", type=int, action="append")
    args = p.parse_args()
    if args.cmd == "send":
        return send(args)
    if args.cmd == "users":
        return users(args)
    if args.cmd == "cpu":
        return cpu(args)
    if args.cmd == "count":
        print(total_count(args))
        return 0
    return headers(args)


if __name__ == "__main__":
    sys.exit(main())
