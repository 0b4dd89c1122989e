#!/usr/bin/env bash
# Messages per second through a real Apache James 3.8.1 (./run-james), without
# and with the DMARC mailets, DNS cache warm. See README.md next to this file.
#
#   bench/james-throughput/run.sh [--messages N] [--sessions S] [--rounds R]
#                                 [--warmup W] [--discard-warmup D]
#                                 [--recipients K] [--size BYTES]
#                                 [--per-connection C] [--configs LIST]
#                                 [--dkim | --no-dkim] [--keep] [--out FILE]
#
# Configurations (--configs, comma separated) [baseline,check]:
#   baseline       no DMARC mailet at all
#   check          one DmarcCheck in the root processor
#   check+history  DmarcCheck + DmarcHistory writing to PostgreSQL (127.0.0.1:5432,
#                  a database of its own); needs the history classes in James's
#                  extensions-jars (see README.md)
# Each round starts James once per configuration (order rotating between
# rounds), creates 2K users (bench1..benchK and warm1..warmK), optionally warms
# it up with D messages that go through the DMARC mailets and are then dropped,
# then with W messages delivered to the K warm-up mailboxes warm1..warmK (the
# whole path, LocalDelivery included, gets compiled; the timed mailboxes stay
# empty; they are deleted after it), then sends N messages from 127.0.0.2 over S parallel SMTP sessions
# (C messages per connection) to the K mailboxes bench1..benchK and times until
# James has stored all N (its per-delivery log line, then checked with IMAP
# STATUS), i.e. delivered, not just accepted. With --dkim (the default) every
# message carries an RSA-2048 DKIM signature of sender.test, made before the
# clock starts with a key generated for this run.
# Defaults: N=2000 S=4 R=3 D=0 W=5000 K=100 BYTES=2048 C=1 (or BENCH_MESSAGES, ...).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

MESSAGES="${BENCH_MESSAGES:-2000}"
SESSIONS="${BENCH_SESSIONS:-4}"
ROUNDS="${BENCH_ROUNDS:-3}"
WARMUP="${BENCH_WARMUP:-5000}"
DISCARD_WARMUP="${BENCH_DISCARD_WARMUP:-0}"
SIZE="${BENCH_SIZE:-2048}"
PER_CONNECTION="${BENCH_PER_CONNECTION:-1}"
RECIPIENTS="${BENCH_RECIPIENTS:-100}"
CONFIGS="${BENCH_CONFIGS:-baseline,check}"
DKIM="${BENCH_DKIM:-1}"
KEEP=0
OUT=""
# Full JIT (C1+C2) as a production James would run, unlike run-james's
# start-up-oriented default (-XX:TieredStopAtLevel=1).
export JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}"

usage() { sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "run.sh: $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --messages) MESSAGES="$2"; shift 2 ;;
        --sessions) SESSIONS="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --discard-warmup) DISCARD_WARMUP="$2"; shift 2 ;;
        --size) SIZE="$2"; shift 2 ;;
        --per-connection) PER_CONNECTION="$2"; shift 2 ;;
        --recipients) RECIPIENTS="$2"; shift 2 ;;
        --configs) CONFIGS="$2"; shift 2 ;;
        --dkim) DKIM=1; shift ;;
        --no-dkim) DKIM=0; shift ;;
        --keep) KEEP=1; shift ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
for v in MESSAGES SESSIONS ROUNDS WARMUP DISCARD_WARMUP SIZE PER_CONNECTION RECIPIENTS; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number: ${!v}"
done
[ "$WARMUP" -gt 0 ] || say "warning: no warm-up, so the DNS cache and the JIT start cold"
[ "$MESSAGES" -ge 1 ] && [ "$SESSIONS" -ge 1 ] && [ "$ROUNDS" -ge 1 ] && [ "$RECIPIENTS" -ge 1 ] \
    || die "messages, sessions, rounds and recipients must be >= 1"

IFS=',' read -r -a CONFIG_LIST <<<"$CONFIGS"
[ "${#CONFIG_LIST[@]}" -ge 1 ] || die "--configs is empty"
for c in "${CONFIG_LIST[@]}"; do
    case "$c" in baseline|check|check+history) ;; *) die "unknown configuration '$c' (baseline, check, check+history)" ;; esac
done
has_config() { [[ ",$CONFIGS," == *",$1,"* ]]; }

# DKIM signing needs the benchmark jar (jDKIM's signer behind DkimSignTool).
BENCH_JAR="${BENCH_JAR:-$ROOT/bench/target/benchmarks.jar}"
if [ "$DKIM" = 1 ]; then
    [ -f "$BENCH_JAR" ] || die "--dkim needs $BENCH_JAR: mvn -o -q -pl dmarc-mailet,dmarc-reporting,bench -am package -DskipTests (or --no-dkim)"
    command -v java >/dev/null || die "java not found (needed to sign the messages)"
fi
DKIM_SELECTOR="bench"

# check+history: the history mailet and its Guice module must be among the jars
# run-james puts into extensions-jars (dmarc-reporting and its libraries);
# BENCH_HISTORY_JARS (colon separated) adds jars there if run-james does not.
HISTORY_DB=""
if has_config check+history; then
    command -v psql >/dev/null || die "check+history needs psql (PostgreSQL client)"
    psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 \
        || die "check+history needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust)"
    HISTORY_DB="james_throughput_history_$$"
fi

KNOTD="${KNOTD:-/usr/sbin/knotd}"
[ -x "$KNOTD" ] || KNOTD="$(command -v knotd || true)"
[ -n "$KNOTD" ] || die "knotd not found (Debian package 'knot')"
command -v kdig >/dev/null || die "kdig not found (Debian package 'knot-dnsutils')"
command -v knotc >/dev/null || die "knotc not found (Debian package 'knot')"
command -v python3 >/dev/null || die "python3 not found"
command -v curl >/dev/null || die "curl not found"
LOAD=(python3 "$HERE/smtp_load.py")

WORK="$(mktemp -d "${TMPDIR:-/tmp}/james-throughput.XXXXXX")"
KNOT_PID=""
RUN_PID=""

stop_james() {
    if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
        kill -TERM "$RUN_PID" 2>/dev/null || true
        wait "$RUN_PID" 2>/dev/null || true
    fi
    RUN_PID=""
}
cleanup() {
    stop_james
    if [ -n "$HISTORY_DB" ]; then
        psql -h 127.0.0.1 -U postgres -d postgres -qtAc "DROP DATABASE IF EXISTS $HISTORY_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [ -n "$KNOT_PID" ] && kill -0 "$KNOT_PID" 2>/dev/null; then
        kill -TERM "$KNOT_PID" 2>/dev/null || true
        wait "$KNOT_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free ports on 127.0.0.1 (TCP and UDP both free, for knotd).
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
ports, socks = [], []
while len(ports) < int(sys.argv[1]):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    socks += [t, u]; ports.append(p)
print(" ".join(map(str, ports)))
EOF
}

# ------------------------------------------------------------------ DNS -----
# knotd authoritative for sender.test, for 127.in-addr.arpa (PTR of 127.0.0.2,
# which James's SMTP server looks up for the Received field), and an empty root
# zone so every other name gets NXDOMAIN (not REFUSED, a temporary error).
# TTLs of one hour: the caches stay warm for the whole run.
#
# Port 53 on a spare loopback address (127.53.0.x): James's own DNSService
# cannot be given a port, and without an answering server every incoming mail
# waits for its reverse lookup to time out (~5 s), which would hide everything
# else. The DMARC mailet gets the same server (DMARC_DNS_SERVERS).
free_dns_addr() {
    python3 - <<'EOF'
import socket, sys
for n in range(1, 255):
    addr = f"127.53.0.{n}"
    socks = []
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            socks.append(s)
            if kind == socket.SOCK_STREAM:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, 53))
        print(addr)
        sys.exit(0)
    except PermissionError:
        sys.exit("run.sh: cannot bind port 53 (needs root or CAP_NET_BIND_SERVICE); "
                 "James's DNSService only queries port 53")
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
sys.exit("run.sh: no free 127.53.0.x:53")
EOF
}

start_knot() {
    local dir="$WORK/knot" addr
    mkdir -p "$dir/db"
    addr="$(free_dns_addr)" || die "no DNS address"
    cat >"$dir/sender.test.zone" <<'EOF'
$ORIGIN sender.test.
$TTL 3600
@       SOA ns.sender.test. hostmaster.sender.test. 1 3600 600 86400 3600
@       NS  ns
ns      A   127.0.0.1
mail    A   127.0.0.2
@       TXT "v=spf1 ip4:127.0.0.2 -all"
_dmarc  TXT "v=DMARC1; p=none"
EOF
    if [ "$DKIM" = 1 ]; then
        # The public half of this run's key (DkimSignTool keygen), RFC 6376 §3.6.2.1.
        printf '%s._domainkey TXT %s\n' "$DKIM_SELECTOR" "$(cat "$WORK/dkim/dkim-txt.zone")" >>"$dir/sender.test.zone"
    fi
    cat >"$dir/127.in-addr.arpa.zone" <<'EOF'
$ORIGIN 127.in-addr.arpa.
$TTL 3600
@       SOA ns.sender.test. hostmaster.sender.test. 1 3600 600 86400 3600
@       NS  ns.sender.test.
2.0.0   PTR mail.sender.test.
EOF
    cat >"$dir/root.zone" <<'EOF'
$ORIGIN .
$TTL 3600
@       SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 3600
@       NS  ns.invalid.
EOF
    cat >"$dir/knot.conf" <<EOF
server:
    listen: $addr@53
    rundir: "$dir"
database:
    storage: "$dir/db"
log:
  - target: stderr
    any: notice
# Query counters (knotc stats): how many queries James made during a run.
mod-stats:
  - id: default
    query-type: on
template:
  - id: default
    storage: "$dir"
    zonefile-load: whole
    zonefile-sync: -1
    journal-content: none
    global-module: mod-stats/default
zone:
  - domain: "sender.test."
    file: "sender.test.zone"
  - domain: "127.in-addr.arpa."
    file: "127.in-addr.arpa.zone"
  - domain: "."
    file: "root.zone"
EOF
    "$KNOTD" -c "$dir/knot.conf" >"$dir/knotd.log" 2>&1 &
    KNOT_PID=$!
    local i z ok
    for i in $(seq 1 100); do
        ok=1
        for z in sender.test 127.in-addr.arpa .; do
            kdig +timeout=1 +retry=0 @"$addr" "$z" SOA 2>/dev/null | grep -q 'status: NOERROR' || ok=0
        done
        if [ "$ok" = 1 ]; then
            DNS_ADDR="$addr"
            DNS="$addr:53"
            return 0
        fi
        kill -0 "$KNOT_PID" 2>/dev/null || { cat "$dir/knotd.log" >&2; die "knotd exited"; }
        sleep 0.1
    done
    cat "$dir/knotd.log" >&2
    die "knotd did not serve its zones"
}

dns_queries() {   # total queries knotd answered so far
    local n
    n="$(knotc -c "$WORK/knot/knot.conf" stats mod-stats.server-operation 2>/dev/null | sed -n 's/.*\[query\] = //p')"
    echo "${n:-0}"
}
dns_queries_by_type() {
    knotc -c "$WORK/knot/knot.conf" stats mod-stats.query-type 2>/dev/null \
        | sed -n 's/^mod-stats.query-type\[\(.*\)\] = \(.*\)$/\1=\2/p' | tr '\n' ' '
}

check_dns() {
    q() { kdig +short @"$DNS_ADDR" "$@"; }
    [ "$(q sender.test TXT)" = '"v=spf1 ip4:127.0.0.2 -all"' ] || die "sender.test TXT wrong: $(q sender.test TXT)"
    [ "$(q _dmarc.sender.test TXT)" = '"v=DMARC1; p=none"' ] || die "_dmarc.sender.test TXT wrong"
    [ "$(q -x 127.0.0.2)" = mail.sender.test. ] || die "PTR of 127.0.0.2 wrong"
    kdig @"$DNS_ADDR" _dmarc.test TXT | grep -q 'status: NXDOMAIN' || die "_dmarc.test is not NXDOMAIN"
    if [ "$DKIM" = 1 ]; then
        q "$DKIM_SELECTOR._domainkey.sender.test" TXT | tr -d '" \n' | grep -q '^v=DKIM1;k=rsa;p=' \
            || die "DKIM key record $DKIM_SELECTOR._domainkey.sender.test missing"
    fi
}

# --------------------------------------------------------- configurations ---
# Our own mailetcontainer.xml per configuration (JAMES_CONF_OVERLAY): the
# sample's own file and its mailet-block line are not used at all.
make_overlays() {
    local cfg dir n want smtp
    for cfg in "${CONFIG_LIST[@]}"; do
        dir="$WORK/conf-$cfg"
        mkdir -p "$dir"
        cp "$HERE/logback.xml" "$dir/logback.xml"
        case "$cfg" in
            baseline)
                : >"$dir/block.xml"
                # No DMARC at SMTP either: the sample's smtpserver.xml runs DmarcMessageHook, which evaluates
                # every message (and hands its result to DmarcCheck); the baseline has neither.
                python3 - "$ROOT/james-config-samples/conf/smtpserver.xml" >"$dir/smtpserver.xml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
text, n = re.subn(r'[ \t]*<handler class="org\.jamesdmarc\.james\.DmarcMessageHook">.*?</handler>[ \t]*\n', '', text, flags=re.S)
if n != 1:
    sys.exit(f"run.sh: expected one DmarcMessageHook handler in the sample smtpserver.xml, found {n}")
sys.stdout.write(text)
EOF
                ;;
            check) cat "$HERE/dmarc-check-block.xml" >"$dir/block.xml" ;;
            check+history)
                cat "$HERE/dmarc-check-block.xml" "$HERE/dmarc-history-block.xml" >"$dir/block.xml"
                # The history's Guice module, and the one file it is configured from.
                sed 's/^#\{0,1\}guice\.extension\.module=.*$/guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule/' \
                    "$ROOT/james-config-samples/conf/extensions.properties" >"$dir/extensions.properties"
                grep -qx 'guice.extension.module=org.jamesdmarc.reporting.james.DmarcHistoryModule' "$dir/extensions.properties" \
                    || die "cannot set guice.extension.module in extensions.properties"
                printf 'db.url=jdbc:postgresql://127.0.0.1:5432/%s\ndb.user=postgres\n' "$HISTORY_DB" >"$dir/dmarc.properties"
                ;;
        esac
        if [ "$cfg" != check+history ]; then
            # No history: the sample enables DmarcHistoryModule (an embedded H2 history); these configurations
            # measure without it.
            sed 's/^guice\.extension\.module=.*$/#&/' "$ROOT/james-config-samples/conf/extensions.properties" \
                >"$dir/extensions.properties"
            ! grep -q '^guice\.extension\.module=' "$dir/extensions.properties" \
                || die "cannot turn guice.extension.module off for '$cfg'"
        fi
        # The report task is not what is measured (and needs report.* settings this overlay lacks): off.
        sed -i 's/^guice\.extension\.startable=.*$/#&/' "$dir/extensions.properties"
        # Nor are the DMARC WebAdmin routes (they are built from DmarcHistoryModule's bindings, which the baseline
        # and check configurations do not load): off in every configuration.
        sed 's/^extensions\.routes=.*$/#&/' "$ROOT/james-config-samples/conf/webadmin.properties" >"$dir/webadmin.properties"
        awk -v block="$dir/block.xml" '
            /^@DMARC_BLOCK@$/ { while ((getline line < block) > 0) print line; next }
            { print }' "$HERE/mailetcontainer.template.xml" >"$dir/mailetcontainer.xml"
        rm "$dir/block.xml"
        n="$(grep -c 'class="org.jamesdmarc.james.DmarcCheck"' "$dir/mailetcontainer.xml" || true)"
        want=1; [ "$cfg" = baseline ] && want=0
        [ "$n" = "$want" ] || die "'$cfg' configuration has $n DmarcCheck, want $want"
        smtp="$dir/smtpserver.xml"
        [ -f "$smtp" ] || smtp="$ROOT/james-config-samples/conf/smtpserver.xml"
        n="$(grep -c '<handler class="org.jamesdmarc.james.DmarcMessageHook">' "$smtp" || true)"
        want=1; [ "$cfg" = baseline ] && want=0
        [ "$n" = "$want" ] || die "'$cfg' configuration has $n DmarcMessageHook in smtpserver.xml, want $want"
        n="$(grep -c 'class="org.jamesdmarc.reporting.james.DmarcHistory"' "$dir/mailetcontainer.xml" || true)"
        want=0; [ "$cfg" = check+history ] && want=1
        [ "$n" = "$want" ] || die "'$cfg' configuration has $n DmarcHistory, want $want"
    done
}

# ---------------------------------------------------------------- James -----
start_james() {   # $1 config name, $2 home
    local cfg="$1" home="$2" out
    read -r SMTP_PORT IMAP_PORT WEB_PORT <<<"$(free_ports 3)"
    out="$home.out"
    mkdir -p "$home"
    env -u JAMES_MAILET_BLOCK \
        JAMES_SMTP_PORT="$SMTP_PORT" JAMES_IMAP_PORT="$IMAP_PORT" JAMES_WEBADMIN_PORT="$WEB_PORT" \
        JAMES_CONF_OVERLAY="$WORK/conf-$cfg" DMARC_DNS_SERVERS="$DNS" \
        "$ROOT/run-james" --home "$home" >"$out" 2>&1 &
    RUN_PID=$!
    local deadline=$(( $(date +%s) + 300 ))
    until grep -q 'James is ready' "$out"; do
        if ! kill -0 "$RUN_PID" 2>/dev/null; then
            tail -n 40 "$out" >&2; die "James ($cfg) did not start"
        fi
        [ "$(date +%s)" -lt "$deadline" ] || { tail -n 40 "$out" >&2; die "James ($cfg) not ready after 300s"; }
        sleep 0.2
    done
    curl -sf -m 5 "http://127.0.0.1:$WEB_PORT/healthcheck" >/dev/null || die "James ($cfg) healthcheck failed"
    JAVA_PID="$(cat "$home/james.pid")"
    # Recipients bench1..benchK@james.local (timed) and warm1..warmK@james.local (delivered warm-up), password
    # secret, over a few parallel keep-alive WebAdmin connections.
    local t0 made
    t0="$(date +%s.%N)"
    made="$("${LOAD[@]}" users --webadmin-port "$WEB_PORT" --recipients "$RECIPIENTS" --prefix bench --prefix warm)" \
        || die "cannot create the recipients ($cfg)"
    say "  $made users created in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"
    # What James really runs: our mailetcontainer.xml, 0 or 1 DmarcCheck.
    cmp -s "$home/conf/mailetcontainer.xml" "$WORK/conf-$cfg/mailetcontainer.xml" \
        || die "James ($cfg) does not run the benchmark's mailetcontainer.xml"
    local hooks
    hooks="$(grep -c '<handler class="org.jamesdmarc.james.DmarcMessageHook">' "$home/conf/smtpserver.xml" || true)"
    if [ "$cfg" = baseline ]; then [ "$hooks" = 0 ]; else [ "$hooks" = 1 ]; fi \
        || die "James ($cfg) runs $hooks DmarcMessageHook in smtpserver.xml"
    # The DMARC check must see 127.0.0.2 as an unauthenticated remote client:
    # it must not be in the authorizedAddresses of the configuration James runs.
    python3 - "$home/conf/smtpserver.xml" <<'EOF'
import ipaddress, re, sys
text = re.sub(r"<!--.*?-->", "", open(sys.argv[1]).read(), flags=re.S)
for value in re.findall(r"<authorizedAddresses>(.*?)</authorizedAddresses>", text, flags=re.S):
    for entry in re.split(r"[\s,]+", value.strip()):
        if entry and ipaddress.ip_address("127.0.0.2") in ipaddress.ip_network(entry, strict=False):
            sys.exit(f"run.sh: smtpserver.xml authorizes 127.0.0.2 ({entry}); DmarcCheck must see a remote sender")
EOF
}

# Checks the newest delivered message: "check" and "check+history" must carry
# our Authentication-Results with dmarc=pass, spf=pass (and dkim=pass with
# --dkim), "baseline" none of ours.
check_dmarc_header() {   # $1 config, $2 file to keep the header in, $3 mailbox prefix (bench)
    "${LOAD[@]}" headers --imap-port "$IMAP_PORT" --recipients "$RECIPIENTS" --rcpt-prefix "${3:-bench}" >"$2"
    local ar
    ar="$(awk 'BEGIN{IGNORECASE=1} /^Authentication-Results:/ {p=1; print; next} p && /^[ \t]/ {print; next} {p=0}' "$2" | tr -d '\n')"
    if [ "$1" != baseline ]; then
        echo "$ar" | grep -q 'mx\.james\.local' || { cat "$2" >&2; die "'$1': no Authentication-Results from DmarcCheck"; }
        echo "$ar" | grep -q 'dmarc=pass' || { cat "$2" >&2; die "'$1': DMARC did not pass: $ar"; }
        echo "$ar" | grep -q 'spf=pass' || { cat "$2" >&2; die "'$1': SPF did not pass: $ar"; }
        if [ "$DKIM" = 1 ]; then
            echo "$ar" | grep -q 'dkim=pass' || { cat "$2" >&2; die "'$1': DKIM did not pass: $ar"; }
        fi
    else
        ! echo "$ar" | grep -q 'mx\.james\.local' || { cat "$2" >&2; die "'baseline': found a DmarcCheck header"; }
    fi
    if [ "$DKIM" = 1 ]; then
        grep -qi '^DKIM-Signature:' "$2" || { cat "$2" >&2; die "'$1': the delivered message has no DKIM-Signature"; }
    fi
    AR_SAMPLE="$ar"
}

history_rows() {   # messages in the check+history database
    psql -h 127.0.0.1 -U postgres -d "$HISTORY_DB" -tAc 'SELECT COUNT(*) FROM dmarc_message' 2>/dev/null || echo 0
}

# Waits until the history database holds $1 messages (it is written behind
# the mail path); prints the seconds it took after delivery.
await_history() {   # $1 expected rows
    local start now rows
    start="$(date +%s.%N)"
    while :; do
        rows="$(history_rows)"
        [ "$rows" -ge "$1" ] && break
        now="$(date +%s.%N)"
        awk -v a="$start" -v b="$now" 'BEGIN { exit !(b - a > 60) }' \
            && die "check+history: the history holds $rows messages, want $1 (60 s after delivery)"
        sleep 0.2
    done
    awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ----------------------------------------------------------------- main -----
say "work dir $WORK"
say "N=$MESSAGES sessions=$SESSIONS rounds=$ROUNDS warmup=$WARMUP discard-warmup=$DISCARD_WARMUP size=${SIZE}B per-connection=$PER_CONNECTION recipients=$RECIPIENTS configs=$CONFIGS dkim=$DKIM"
say "JAVA_OPTS=$JAVA_OPTS; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
SIGNER_OPTS=()
if [ "$DKIM" = 1 ]; then
    java -cp "$BENCH_JAR" org.jamesdmarc.bench.DkimSignTool keygen "$WORK/dkim" || die "DKIM key generation failed"
    SIGNER_OPTS=(--dkim-signer "java -cp $BENCH_JAR org.jamesdmarc.bench.DkimSignTool sign $WORK/dkim sender.test $DKIM_SELECTOR")
    say "DKIM: RSA-2048 key generated for this run, d=sender.test s=$DKIM_SELECTOR"
fi
if [ -n "$HISTORY_DB" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qtAc "CREATE DATABASE $HISTORY_DB" || die "cannot create $HISTORY_DB"
    say "check+history writes to jdbc:postgresql://127.0.0.1:5432/$HISTORY_DB"
fi
start_knot
check_dns
say "knotd serving sender.test, 127.in-addr.arpa and . on $DNS"
make_overlays

# James's SMTP server writes the client's host name into the Received field
# through the JVM's resolver (InetAddress.getHostName), not through its
# DNSService, i.e. through the machine's /etc/resolv.conf. Where that resolver
# is slow or unreachable (sandboxes), every mail stalls for its timeout (~5 s,
# seen here); that is the machine, not James or DMARC. So the JVM gets its own
# hosts file (JDK property jdk.net.hosts.file): 127.0.0.2 is mail.sender.test,
# as the PTR in knotd says. BENCH_JVM_HOSTS_FILE=0 turns this off.
if [ "${BENCH_JVM_HOSTS_FILE:-1}" = 1 ]; then
    printf '127.0.0.1 localhost %s\n127.0.0.2 mail.sender.test\n' "$(hostname)" >"$WORK/jvm-hosts"
    JAVA_OPTS="$JAVA_OPTS -Djdk.net.hosts.file=$WORK/jvm-hosts"
fi

RESULTS="$WORK/results.tsv"
printf 'round\tconfig\tmsgs_per_s\tdeliver_s\tsend_s\tjames_cpu_ms_per_msg\tpg_cpu_ms_per_msg\tdns_queries\tloadavg1\thistory_lag_s\n' >"$RESULTS"
T0=$(date +%s)
TICKS="$(getconf CLK_TCK)"
HISTORY_EXPECTED=0
NCONFIGS="${#CONFIG_LIST[@]}"
for round in $(seq 1 "$ROUNDS"); do
    # The order rotates between rounds, so a drift in machine load hits every configuration.
    order=()
    for i in $(seq 0 $((NCONFIGS - 1))); do
        order+=("${CONFIG_LIST[$(( (i + round - 1) % NCONFIGS ))]}")
    done
    for cfg in "${order[@]}"; do
        home="$WORK/james-$cfg-$round"
        say "round $round/$ROUNDS: $cfg: starting James"
        if [ "$cfg" = check+history ] && [ -n "${BENCH_HISTORY_JARS:-}" ]; then
            export JAMES_EXTRA_EXTENSION_JARS="$BENCH_HISTORY_JARS"
        else
            unset JAMES_EXTRA_EXTENSION_JARS
        fi
        start_james "$cfg" "$home"
        if [ "$DISCARD_WARMUP" -gt 0 ]; then
            "${LOAD[@]}" send --port "$SMTP_PORT" --imap-port "$IMAP_PORT" --recipients "$RECIPIENTS" --count "$DISCARD_WARMUP" \
                --sessions "$SESSIONS" --per-connection "$PER_CONNECTION" --size "$SIZE" "${SIGNER_OPTS[@]}" \
                --discard >"$home.discard-warmup.json" \
                || die "discarded warm-up failed ($cfg): $(cat "$home.discard-warmup.json")"
            say "  discarded warm-up: $(cat "$home.discard-warmup.json")"
        fi
        if [ "$WARMUP" -gt 0 ]; then
            # Delivered to warm1..warmK, not to the timed mailboxes: James's delivery path (LocalDelivery, the
            # memory mailbox and its per-append search) gets compiled here, and the timed mailboxes start empty.
            "${LOAD[@]}" send --port "$SMTP_PORT" --imap-port "$IMAP_PORT" --recipients "$RECIPIENTS" --rcpt-prefix warm \
                --count "$WARMUP" --sessions "$SESSIONS" --per-connection "$PER_CONNECTION" --size "$SIZE" "${SIGNER_OPTS[@]}" \
                --delivery-log "$home/logs/james.log" >"$home.warmup.json" \
                || die "warm-up failed ($cfg): $(cat "$home.warmup.json")"
            say "  delivered warm-up: $(cat "$home.warmup.json")"
            check_dmarc_header "$cfg" "$home.warmup-header.txt" warm
            # James 3.8.1's memory mailbox walks every mailbox of the server on each delivery (the ACL and namespace
            # filter of the multi-mailbox search behind its thread-id guessing): the warm-up mailboxes would slow the
            # timed deliveries down. Gone before the clock starts.
            "${LOAD[@]}" users --webadmin-port "$WEB_PORT" --recipients "$RECIPIENTS" --prefix warm --delete-mailboxes >/dev/null \
                || die "cannot delete the warm-up mailboxes ($cfg)"
        fi
        if [ "$cfg" = check+history ]; then
            # The history is written behind the mail path: let it catch up with the warm-ups before the clock.
            HISTORY_EXPECTED=$((HISTORY_EXPECTED + DISCARD_WARMUP + WARMUP))
            await_history "$HISTORY_EXPECTED" >/dev/null
        fi
        load1="$(cut -d' ' -f1 /proc/loadavg)"
        dns0="$(dns_queries)"
        timed0="$(date +%s.%N)"
        # The client reads James's and PostgreSQL's CPU counters when its clock starts (after signing and after
        # counting the mailboxes); they are read again below, once the history (check+history) has caught up, and
        # only then are the mailboxes counted (1,000 IMAP logins, kept out of the CPU figures).
        "${LOAD[@]}" send --port "$SMTP_PORT" --imap-port "$IMAP_PORT" --recipients "$RECIPIENTS" --count "$MESSAGES" \
            --sessions "$SESSIONS" --per-connection "$PER_CONNECTION" --size "$SIZE" "${SIGNER_OPTS[@]}" \
            --delivery-log "$home/logs/james.log" --cpu-pid "$JAVA_PID" --no-verify >"$home.json" \
            || die "measured run failed ($cfg, round $round): $(cat "$home.json")"
        lag="-"
        if [ "$cfg" = check+history ]; then
            # Every message of this James (warm-up and measured) must reach the history.
            HISTORY_EXPECTED=$((HISTORY_EXPECTED + MESSAGES))
            lag="$(await_history "$HISTORY_EXPECTED")"
            say "  history: $(history_rows) messages in $HISTORY_DB, the last ${lag}s after delivery"
        fi
        "${LOAD[@]}" cpu --pid "$JAVA_PID" >"$home.cpu-end.json"
        # For profiles (JFR): only samples between these instants are the timed part.
        say "  timed part: epoch $timed0 to $(date +%s.%N)"
        dns1="$(dns_queries)"
        read -r before accepted <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["before"], r["accepted"])' "$home.json")"
        count="$("${LOAD[@]}" count --imap-port "$IMAP_PORT" --recipients "$RECIPIENTS")"
        [ "$count" = "$((before + accepted))" ] \
            || die "measured run ($cfg, round $round): the mailboxes hold $count messages, want $before + $accepted"
        check_dmarc_header "$cfg" "$home.header.txt"
        if [ "$cfg" != baseline ]; then
            say "  newest message: $AR_SAMPLE"
            # No evaluation may have failed (temperror) during the run.
            if grep -q 'DMARC check of mail .* failed' "$home/logs/james.log"; then
                die "DmarcCheck reported failures, see $home/logs/james.log"
            fi
        fi
        stop_james
        # CPU per accepted message between the client's clock start and the end reading above.
        read -r rate deliver send_s cpu_ms pg_ms <<<"$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); end = json.load(open(sys.argv[2])); ticks = int(sys.argv[3]); n = r["accepted"]
ms = lambda k: (end[k] - r["cpu_start"][k]) * 1000 / ticks / n
print(r["msgs_per_second"], r["deliver_seconds"], r["send_seconds"], format(ms("pids"), ".2f"), format(ms("postgres"), ".2f"))
' "$home.json" "$home.cpu-end.json" "$TICKS")"
        # James's CPU per thread group (thread names from /proc, trailing digits dropped), ms per message.
        python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); end = json.load(open(sys.argv[2])); ticks = int(sys.argv[3]); n = r["accepted"]
a, b = r["cpu_start"].get("threads", {}), end.get("threads", {})
rows = sorted(((b[k] - a.get(k, 0)) * 1000 / ticks / n, k) for k in b)
print(" ".join(f"{k}={v:.2f}" for v, k in reversed(rows) if v >= 0.005))
' "$home.json" "$home.cpu-end.json" "$TICKS" >"$home.threads.txt" || true
        say "  James CPU ms/msg by thread: $(cat "$home.threads.txt")"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$cfg" "$rate" "$deliver" "$send_s" "$cpu_ms" "$pg_ms" "$((dns1 - dns0))" "$load1" "$lag" >>"$RESULTS"
        say "round $round/$ROUNDS: $cfg: $rate msgs/s (delivered in ${deliver}s, accepted in ${send_s}s), James CPU ${cpu_ms} ms/msg, PostgreSQL CPU ${pg_ms} ms/msg, $((dns1 - dns0)) DNS queries, load $load1"
    done
done
ELAPSED=$(( $(date +%s) - T0 ))

col() { awk -F'\t' -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$RESULTS"; }
{
    echo
    echo "James 3.8.1 memory server, N=$MESSAGES messages of ~${SIZE}B$([ "$DKIM" = 1 ] && echo ", DKIM-signed (RSA-2048)")," \
         "$SESSIONS SMTP sessions from 127.0.0.2, $PER_CONNECTION msg/connection, $RECIPIENTS recipient mailboxes," \
         "warm-up $DISCARD_WARMUP discarded + $WARMUP delivered (to $RECIPIENTS other mailboxes), $ROUNDS rounds, DNS cache warm"
    echo "machine: $(nproc) CPUs, load average at end $(cut -d' ' -f1-3 /proc/loadavg); benchmark took ${ELAPSED}s"
    echo
    column -t -s $'\t' "$RESULTS"
    echo
    printf '%-14s %16s %24s %29s\n' config "median msgs/s" "median James CPU ms/msg" "median PostgreSQL CPU ms/msg"
    for cfg in "${CONFIG_LIST[@]}"; do
        printf '%-14s %16s %24s %29s\n' "$cfg" "$(col "$cfg" 3 | median)" "$(col "$cfg" 6 | median)" "$(col "$cfg" 7 | median)"
    done
    if has_config baseline; then
        for cfg in "${CONFIG_LIST[@]}"; do
            [ "$cfg" = baseline ] && continue
            awk -v cfg="$cfg" -v a="$(col "$cfg" 3 | median)" -v b="$(col baseline 3 | median)" \
                -v c="$(col "$cfg" 6 | median)" -v d="$(col baseline 6 | median)" 'BEGIN {
                printf "ratio %s/baseline: throughput %.3f, James CPU per message %.3f\n", cfg, a / b, c / d }'
        done
    fi
} | tee "$WORK/summary.txt"
say "DNS queries by type, whole benchmark (warm-ups included): $(dns_queries_by_type)"
[ -z "$OUT" ] || cp "$WORK/summary.txt" "$OUT"
