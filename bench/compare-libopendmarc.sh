#!/usr/bin/env bash
# Warm DMARC evaluation, ours against libopendmarc, measured side by side in one run.
#
# Runs libopendmarc 1.4.2's policy step (the anchor, ANCHOR_SRC) before and after our JMH
# EvaluationBenchmark, then prints per case: our ns/op (wall clock and process CPU time), the
# anchor's ns/message, the ratio ours/anchor and whether it meets the goal (ratio <= 0.5).
#
# The verdict uses CPU time: the anchor reports CPU time (CLOCK_PROCESS_CPUTIME_ID), and on a shared,
# loaded machine wall-clock time also counts the time other processes held the CPU. Our CPU time per
# operation comes from CpuTimeProfiler (the JVM process's CPU time, GC and JIT threads included). The
# wall-clock ratio is printed too; on an idle machine the two agree.
#
# Usage: bench/compare-libopendmarc.sh            (from anywhere; about 3 minutes)
# Environment:
#   ANCHOR_SRC   the anchor's C source (default ../shared/anchors/libopendmarc-policy-bench.c beside the repository)
#   ANCHOR_N     messages per anchor run (default 1000000)
#   JMH_OPTS     JMH settings (default "-f 1 -wi 3 -w 2s -i 5 -r 2s")
#   GOAL         the ratio to meet (default 0.5)
# Exit status: 0 every case meets the goal, 1 some case does not, 2 the comparison could not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ANCHOR_SRC="${ANCHOR_SRC:-$ROOT/../shared/anchors/libopendmarc-policy-bench.c}"
ANCHOR_N="${ANCHOR_N:-1000000}"
JMH_OPTS="${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s}"
GOAL="${GOAL:-0.5}"
OUT="$ROOT/bench/target/compare-libopendmarc"
ANCHOR_BIN="$OUT/policy_bench"
JAR="$ROOT/bench/target/benchmarks.jar"
PACKAGES=(libopendmarc-dev publicsuffix gcc libc6-dev)

die() {
    echo "compare-libopendmarc: $*" >&2
    exit 2
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

mkdir -p "$OUT"

# --- the anchor's Debian packages -------------------------------------------------------------
command -v dpkg-query >/dev/null || die "needs a Debian-like system (dpkg) to install the anchor's packages: ${PACKAGES[*]}"
missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
    echo "Installing the anchor's packages: ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
        die "missing packages ${missing[*]}; run as root, or: sudo apt-get install -y ${missing[*]}"
    fi
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >"$OUT/apt.log" 2>&1; then
        die "apt-get could not install ${missing[*]} (see bench/target/compare-libopendmarc/apt.log)"
    fi
fi
[[ -r /usr/share/publicsuffix/public_suffix_list.dat ]] || die "the anchor needs /usr/share/publicsuffix/public_suffix_list.dat (package publicsuffix)"
command -v java >/dev/null || die "java not found"
command -v mvn >/dev/null || die "mvn not found"

# --- build the anchor and our benchmarks if needed --------------------------------------------
[[ -r "$ANCHOR_SRC" ]] || die "anchor source not found: $ANCHOR_SRC (set ANCHOR_SRC)"
if [[ ! -x "$ANCHOR_BIN" || "$ANCHOR_SRC" -nt "$ANCHOR_BIN" ]]; then
    echo "Building the anchor from $ANCHOR_SRC"
    gcc -O2 -o "$ANCHOR_BIN" "$ANCHOR_SRC" -lopendmarc || die "could not compile the anchor"
fi
if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/pom.xml" "$ROOT/dmarc-mailet/pom.xml" "$ROOT/dmarc-mailet/src" \
        "$ROOT/bench/pom.xml" "$ROOT/bench/src" -newer "$JAR" -type f -print -quit)" ]]; then
    echo "Building bench/target/benchmarks.jar"
    (cd "$ROOT" && mvn -o -q -pl dmarc-mailet,bench -am package -DskipTests) || die "benchmark build failed"
fi

# --- measure -----------------------------------------------------------------------------------
anchor() {
    local line
    line="$("$ANCHOR_BIN" "$ANCHOR_N")" || die "the anchor failed"
    echo "  $line" >&2
    # "libopendmarc policy step: 2120 ns/message CPU (n=1000000, pass=1000000)"
    [[ "$line" =~ :\ ([0-9.]+)\ ns/message ]] || die "unexpected anchor output: $line"
    echo "${BASH_REMATCH[1]}"
}

echo "Anchor, before:"
a1="$(anchor)"
echo "Our EvaluationBenchmark (JMH $JMH_OPTS):"
# shellcheck disable=SC2086 # JMH_OPTS is a list of options
java -jar "$JAR" '^org\.jamesdmarc\.bench\.EvaluationBenchmark\.' $JMH_OPTS \
    -prof org.jamesdmarc.bench.CpuTimeProfiler -rf csv -rff "$OUT/jmh.csv" >"$OUT/jmh.log" 2>&1 \
    || { tail -30 "$OUT/jmh.log" >&2; die "JMH failed (see bench/target/compare-libopendmarc/jmh.log)"; }
echo "  done (log: bench/target/compare-libopendmarc/jmh.log)"
echo "Anchor, after:"
a2="$(anchor)"

# --- report -------------------------------------------------------------------------------------
awk -F, -v a1="$a1" -v a2="$a2" -v goal="$GOAL" -v uptime="$(uptime)" '
    function unq(s) { gsub(/"/, "", s); return s }
    NR > 1 {
        name = unq($1); sub(/^org\.jamesdmarc\.bench\.EvaluationBenchmark\./, "", name)
        if (name ~ /:cpu\.time\.norm$/) { sub(/:cpu\.time\.norm$/, "", name); cpu[name] = $5 }
        else if (name !~ /:/) { wall[name] = $5; order[++n] = name }
    }
    END {
        anchor = (a1 + a2) / 2
        printf "\nlibopendmarc policy step (anchor): %.0f ns/message CPU (runs: %s, %s)\n", anchor, a1, a2
        printf "machine:%s\n\n", uptime
        printf "%-32s %10s %10s %12s %12s  %s\n", "case", "wall ns/op", "cpu ns/op", "ratio (cpu)", "ratio (wall)", "cpu ratio <= " goal "?"
        failed = 0
        for (i = 1; i <= n; i++) {
            c = order[i]
            if (!(c in cpu)) { printf "%-32s no CPU time measured\n", c; failed = 1; continue }
            rc = cpu[c] / anchor; rw = wall[c] / anchor
            ok = rc <= goal ? "yes" : "NO"
            if (rc > goal) failed = 1
            printf "%-32s %10.0f %10.0f %12.2f %12.2f  %s\n", c, wall[c], cpu[c], rc, rw, ok
        }
        if (n == 0) { print "no results"; failed = 1 }
        printf "\n%s\n", failed ? "Goal NOT met by every case." : "Goal met: every case costs at most " goal " of libopendmarc."
        exit failed
    }' "$OUT/jmh.csv"
