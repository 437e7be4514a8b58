#!/usr/bin/env bash
# callhook benchmark on loopback, one command from a clean clone (see README "Benchmark"):
#   (1) SIPp UAC -> SIPp UAS directly, and
#   (2) SIPp UAC -> callhook -> SIPp UAS, with a local HTTPS receiver counting the POSTs,
# at rising call rates, after a warm-up of callhook; writes BENCHMARKS.md.
#
# usage: sipp-scenarios/bench/run.sh [--rates "100 250 500 750 1000"] [--step-seconds 15]
#                                    [--warmup-seconds 30] [--warmup-rate 300] [--out BENCHMARKS.md]
#                                    [--jfr]   (records callhook with JFR: target/bench/*/callhook.jfr)
#                                    [--held N] (last: N answered calls held open to measure retained
#                                               heap per live leg; default 10000, 0 = skip)
# Needs: Java 17+ (java, jcmd), Maven (only if target/callhook.jar is missing), SIPp 3.6, curl, ss.
# Bounded: every SIPp run has a global -timeout; every wait has a deadline; everything it starts is
# stopped on exit. Everything on 127.0.0.1, ports picked free.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
RATES="100 250 500 750 1000"
STEP=15
WARMUP=30
WARMUP_RATE=300
OUT=BENCHMARKS.md
JVM_FLAGS="-Xms512m -Xmx512m -XX:+UseG1GC"
JFR=0
HELD=10000
HELD_RATE=250
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) RATES="$2"; shift 2 ;;
    --step-seconds) STEP="$2"; shift 2 ;;
    --warmup-seconds) WARMUP="$2"; shift 2 ;;
    --warmup-rate) WARMUP_RATE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --held) HELD="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in java jcmd sipp curl ss; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done

JAR=${CALLHOOK_JAR:-target/callhook.jar}   # CALLHOOK_JAR=… compares another build side by side
RECEIVER_CLASS=target/test-classes/io/callhook/bench/BenchReceiver.class
if [ ! -f "$JAR" ] || [ ! -f "$RECEIVER_CLASS" ]; then
  echo "bench: building callhook (mvn -B -q package -DskipTests)"
  mvn -B -q package -DskipTests
fi

WORK="$ROOT/target/bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WORK"
echo "bench: working in $WORK"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Ports are handed out in increasing order from a random start, the next one kept in a file:
# free_port runs in $(...) subshells, where a variable would not remember what was handed out
# (two calls once returned the same port, and SIPp's control socket took the UAS's port).
PORT_FILE="$WORK/next-port"
echo $((20000 + RANDOM % 20000)) > "$PORT_FILE"
free_port() {  # a port free for both UDP and TCP (and p+2, SIPp's media), not handed out before in this run
  local p
  p=$(cat "$PORT_FILE")
  for _ in $(seq 1 200); do
    p=$((p + 3))
    if [ -z "$(ss -Hlntu "( sport = :$p or sport = :$((p+2)) )" 2>/dev/null)" ]; then
      echo $((p + 1)) > "$PORT_FILE"; echo "$p"; return
    fi
  done
  echo "bench: no free port" >&2; exit 1
}
udp_bound() { [ -n "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; }
wait_for() {  # wait_for SECONDS CMD...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# --- scenarios: the documented flow #1 (incoming_caller / incoming_device), the caller's copy
# measuring its response time on the 180 (INVITE -> 180) instead of the 200 ---
sed 's/<recv response="180">/<recv response="180" rtd="true">/; s/<recv response="200" rrs="true" rtd="true">/<recv response="200" rrs="true">/' \
  sipp-scenarios/incoming_caller.xml > "$WORK/caller.xml"
cp sipp-scenarios/incoming_device.xml "$WORK/device.xml"

# --- the HTTPS receiver (test-scope main: a real HTTPS server that counts) ---
java -cp "target/test-classes:$JAR" io.callhook.bench.BenchReceiver "$WORK" "${RECEIVER_THREADS:-2}" > "$WORK/receiver.out" 2>&1 &
PIDS+=($!)
wait_for 30 test -s "$WORK/receiver-url" || { echo "bench: receiver did not start" >&2; cat "$WORK/receiver.out"; exit 1; }
RECEIVER_URL=$(cat "$WORK/receiver-url")
RECEIVER_BASE=${RECEIVER_URL%/hooks/calls}
receiver() { curl -sk --max-time 10 "$RECEIVER_BASE/$1"; }
stat_of() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

# --- callhook: its own config and directory (one SOFT device = the SIPp UAS) ---
UAS_PORT=$(free_port); DIRECT_UAS_PORT=$(free_port); UAC_PORT=$(free_port); PROXY_PORT=$(free_port); ADMIN_PORT=$(free_port)
cat > "$WORK/directory.yaml" <<YAML
organizations:
  - id: bench
    default_region: FI
    webhook:
      url: $RECEIVER_URL
      ca_file: $WORK/receiver-ca.pem
      states: [EARLY, CONFIRMED, TERMINATED]
      timeout: 10s
    users:
      - user_id: setera.test@seteratesting.fi
        email: setera.test@seteratesting.fi
        numbers: ["+358942721234"]
        devices:
          - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "sip:127.0.0.1:$UAS_PORT" }
YAML
cat > "$WORK/callhook.yaml" <<YAML
sip:
  listen: ["udp:127.0.0.1:$PROXY_PORT"]
  upstream: "sip:127.0.0.1:$(free_port)"
  trusted_peers: ["127.0.0.1/32"]
directory:
  file: $WORK/directory.yaml
outbox:
  path: $WORK/outbox.db
admin:
  listen: "127.0.0.1:$ADMIN_PORT"
YAML
EXTRA_FLAGS=""
[ "$JFR" = 1 ] && EXTRA_FLAGS="-XX:StartFlightRecording=filename=$WORK/callhook.jfr,settings=profile,dumponexit=true"
java $JVM_FLAGS $EXTRA_FLAGS -Dlogback.configurationFile=config/logback.xml -DCALLHOOK_LOG_DIR="$WORK/logs" \
  -jar "$JAR" run --config "$WORK/callhook.yaml" > "$WORK/callhook.out" 2>&1 &
CALLHOOK_PID=$!
PIDS+=($CALLHOOK_PID)
wait_for 30 curl -sf --max-time 2 "http://127.0.0.1:$ADMIN_PORT/health" -o /dev/null \
  || { echo "bench: callhook did not start" >&2; cat "$WORK/callhook.out"; exit 1; }
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$CALLHOOK_PID/stat"; }
heap_after_gc_mb_precise() {  # in KiB
  jcmd "$CALLHOOK_PID" GC.run >/dev/null 2>&1 || true
  jcmd "$CALLHOOK_PID" GC.heap_info 2>/dev/null | sed -n 's/.*garbage-first heap.*used \([0-9]*\)K.*/\1/p'
}
heap_after_gc_mb() {
  jcmd "$CALLHOOK_PID" GC.run >/dev/null 2>&1 || true
  jcmd "$CALLHOOK_PID" GC.heap_info 2>/dev/null | sed -n 's/.*garbage-first heap.*used \([0-9]*\)K.*/\1/p' \
    | awk '{printf "%.0f", $1 / 1024}'
}

col() {  # col CSV NAME: the value of column NAME in the last row of a SIPp -trace_stat file
  awk -F';' -v name="$2" 'NR==1 { for (i = 1; i <= NF; i++) if ($i == name) c = i } END { print $c }' "$1"
}
ms_of() {  # 00:00:00:012345 -> 12.345 (SIPp's hh:mm:ss:microseconds)
  awk -F: '{ printf "%.1f", ($1 * 3600 + $2 * 60 + $3) * 1000 + $4 / 1000 }' <<<"$1"
}
rt_p99() {  # upper bound (ms) of the ResponseTimeRepartition bucket holding the 99th percentile
  awk -F';' 'NR==1 { for (i = 1; i <= NF; i++) if ($i ~ /^ResponseTimeRepartition1_/) { c[++n] = i; h[n] = $i } }
             END { total = 0; for (k = 1; k <= n; k++) total += $c[k]; if (total == 0) { print "-"; exit }
                   s = 0; for (k = 1; k <= n; k++) { s += $c[k]; if (s >= 0.99 * total) { b = h[k]; sub(/ResponseTimeRepartition1_/, "", b); print b; exit } } }' "$1"
}

metric() {  # metric NAME: a callhook gauge from /metrics
  curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v n="$1" '$1 == n { printf "%d", $2 }'
}
settle() {  # until no event is undelivered and no leg is still being set up (at most 60 s). CONFIRMED
  # legs may stay live for good: a call whose BYE never reached callhook (SIPp gave up on it) ends
  # only at max_call_duration, as designed
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(metric callhook_delivery_pending)" = 0 ] && [ "$(metric 'callhook_legs{state="TRYING"}')" = 0 ] \
       && [ "$(metric 'callhook_legs{state="PROCEEDING"}')" = 0 ] && [ "$(metric 'callhook_legs{state="EARLY"}')" = 0 ]; then
      sleep 2; return 0
    fi
    sleep 1
  done
  echo "bench: callhook did not settle within 60 s" >&2
}

# run_sipp NAME RATE CALLS TARGET: UAS + UAC, bounded; leaves $WORK/NAME.csv (UAC -trace_stat)
run_sipp() {
  local name=$1 rate=$2 calls=$3 target=$4 uas_port=${5:-$UAS_PORT}
  local bound=$(( calls / rate + 60 ))
  sipp -sf "$WORK/device.xml" -i 127.0.0.1 -p "$uas_port" -cp "$(free_port)" -mp "$(free_port)" -t u1 -nd -nostdin \
    -m "$calls" -timeout "${bound}s" -timeout_error -trace_err -error_file "$WORK/$name.uas.errors.log" \
    > "$WORK/$name.uas.out" 2>&1 &
  local uas=$!
  PIDS+=($uas)
  wait_for 10 udp_bound "$uas_port" || { echo "bench: SIPp UAS did not bind" >&2; exit 1; }
  set +e
  sipp -sf "$WORK/caller.xml" -i 127.0.0.1 -p "$UAC_PORT" -cp "$(free_port)" -mp "$(free_port)" -t u1 -nd -nostdin \
    -r "$rate" -m "$calls" -l $(( rate * 3 + 100 )) -timeout "${bound}s" -timeout_error \
    -trace_stat -stf "$WORK/$name.csv" -fd 1 -trace_err -error_file "$WORK/$name.uac.errors.log" \
    "$target" > "$WORK/$name.uac.out" 2>&1
  set -e
  wait_for 15 bash -c "! kill -0 $uas 2>/dev/null" || kill "$uas" 2>/dev/null || true
  wait "$uas" 2>/dev/null || true
}

# --- warm-up: callhook takes a ramp up to WARMUP_RATE cps over WARMUP s, in thirds (the JIT compiles
# the hot path before full load: a cold JVM thrown straight into load queues up and collapses);
# the pools and the receiver's TLS connections open. Then the backlog drains and the receiver is reset ---
echo "bench: warm-up ${WARMUP}s ramping to ${WARMUP_RATE} cps through callhook"
for part in 1 2 3; do
  r=$(( WARMUP_RATE * part / 3 )); [ "$r" -ge 1 ] || r=1
  run_sipp "warmup-$part" "$r" $(( r * WARMUP / 3 > 0 ? r * WARMUP / 3 : 1 )) "127.0.0.1:$PROXY_PORT"
done
settle
receiver reset >/dev/null

ROWS=""
stats=""
best_direct=0; best_direct_cps=0; best_proxy=0; best_proxy_cps=0; p99_at_500="-"
for rate in $RATES; do
  calls=$(( rate * STEP ))
  for mode in direct callhook; do
    name="$mode-$rate"
    echo "bench: $mode at $rate cps for ${STEP}s ($calls calls)"
    if [ "$mode" = direct ]; then
      run_sipp "$name" "$rate" "$calls" "127.0.0.1:$DIRECT_UAS_PORT" "$DIRECT_UAS_PORT"
    else
      t0=$(date +%s.%N); c0=$(cpu_ticks)
      run_sipp "$name" "$rate" "$calls" "127.0.0.1:$PROXY_PORT"
      c1=$(cpu_ticks); t1=$(date +%s.%N)
    fi
    csv="$WORK/$name.csv"
    ok=$(col "$csv" 'SuccessfulCall(C)'); failed=$(col "$csv" 'FailedCall(C)'); made=$(col "$csv" 'OutgoingCall(C)')
    elapsed=$(col "$csv" 'ElapsedTime(C)'); rt=$(ms_of "$(col "$csv" 'ResponseTime1(C)')"); rt99=$(rt_p99 "$csv")
    retrans=$(col "$csv" 'Retransmissions(C)')
    # achieved rate: calls placed over the time SIPp took to place them (the nominal step length,
    # stretched when SIPp could not keep up)
    achieved=$(awk -v ok="$ok" -v c="$calls" -v r="$rate" -v s="$STEP" 'BEGIN { printf "%.0f", ok / s }')
    if [ "$mode" = direct ]; then
      ROWS+="| $rate | direct | $made | $failed | $achieved | $rt | $rt99 | $retrans | – | – | – | – | – |"$'\n'
      if [ "$failed" = 0 ] && [ "$ok" = "$calls" ]; then best_direct=$rate; best_direct_cps=$achieved; fi
    else
      expected=$(( ok * 3 ))
      deadline=$((SECONDS + 30)); stats=$(receiver stats)
      while [ "$(stat_of "$stats" posts)" -lt "$expected" ] && [ $SECONDS -lt $deadline ]; do
        sleep 1; stats=$(receiver stats)
      done
      sleep 2; stats=$(receiver stats)   # late duplicates, if any
      posts=$(stat_of "$stats" posts); dup=$(stat_of "$stats" duplicates); ooo=$(stat_of "$stats" out_of_order)
      p50=$(stat_of "$stats" p50_ms); p99=$(stat_of "$stats" p99_ms)
      cpu=$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (b - a) / hz / (t1 - t0) * 100 }')
      heap=$(heap_after_gc_mb)
      settle
      receiver reset >/dev/null
      ROWS+="| $rate | callhook | $made | $failed | $achieved | $rt | $rt99 | $retrans | $posts / $expected | $dup / $ooo | $p50 / $p99 | $cpu | $heap |"$'\n'
      [ "$rate" = 500 ] && p99_at_500=$p99
      if [ "$failed" = 0 ] && [ "$ok" = "$calls" ] && [ "$posts" = "$(( calls * 3 ))" ] && [ "$dup" = 0 ] && [ "$ooo" = 0 ]; then
        best_proxy=$rate; best_proxy_cps=$achieved
      fi
    fi
    echo "bench:   made=$made failed=$failed achieved=$achieved cps rt=${rt}ms ${stats:+receiver: $stats}"
    stats=""
    sleep 2
  done
done


# --- held calls: retained heap per live leg. N answered calls (uac_answered / uas_answer, talk time
# far longer than the run) are held open; once all are up and 40 s have passed (so the transactions
# and the INVITE-retransmission memory of their set-up are gone), heap after GC is compared with
# the idle baseline. Last, because the legs stay until callhook stops. ---
HELD_ROW="not measured (--held 0)"
if [ "$HELD" -gt 0 ]; then
  echo "bench: holding $HELD calls open (${HELD_RATE} cps) to measure retained heap per live leg"
  settle
  # idle baseline: earlier calls forgotten (32 s linger) and their transactions gone (≤ 32 s), plus
  # the 40 s INVITE-retransmission memory; bounded
  deadline=$((SECONDS + 120))
  while { [ "$(metric 'callhook_calls{state="tracked"}')" != "$(metric 'callhook_calls{state="live"}')" ] \
          || [ "$(metric callhook_sip_transactions_live)" != 0 ]; } \
        && [ $SECONDS -lt $deadline ]; do sleep 2; done
  sleep 10
  live_before=$(metric callhook_legs_live)
  base=$(heap_after_gc_mb_precise)
  bound=$(( HELD / HELD_RATE + 200 ))
  sipp -sf sipp-scenarios/uas_answer.xml -i 127.0.0.1 -p "$UAS_PORT" -cp "$(free_port)" -mp "$(free_port)" -t u1 -nd -nostdin \
    -d 1 -m "$HELD" -timeout "${bound}s" > "$WORK/held.uas.out" 2>&1 &
  PIDS+=($!)
  wait_for 10 udp_bound "$UAS_PORT" || { echo "bench: SIPp UAS did not bind" >&2; exit 1; }
  sipp -sf sipp-scenarios/uac_answered.xml -i 127.0.0.1 -p "$UAC_PORT" -cp "$(free_port)" -mp "$(free_port)" -t u1 -nd -nostdin \
    -s +358942721234 -key from +358409401234@127.0.0.1 -d $(( bound * 1000 )) \
    -r "$HELD_RATE" -m "$HELD" -l $(( HELD + 10 )) -timeout "${bound}s" "127.0.0.1:$PROXY_PORT" > "$WORK/held.uac.out" 2>&1 &
  PIDS+=($!)
  deadline=$((SECONDS + HELD / HELD_RATE + 60))
  while [ "$(metric callhook_legs_live)" -lt $(( live_before + HELD )) ] && [ $SECONDS -lt $deadline ]; do sleep 1; done
  sleep 40
  live=$(( $(metric callhook_legs_live) - live_before ))
  held_heap=$(heap_after_gc_mb_precise)
  per_leg=$(awk -v a="$base" -v b="$held_heap" -v n="$live" 'BEGIN { if (n > 0 && b > a) printf "%.0f", (b - a) * 1024 / n; else print "-" }')
  HELD_ROW="$live live legs held: heap after GC $(awk -v k="$base" 'BEGIN{printf "%.1f", k/1024}') MB idle → $(awk -v k="$held_heap" 'BEGIN{printf "%.1f", k/1024}') MB = **${per_leg} bytes per live leg** (call record, leg, SIP state included)"
  echo "bench:   $HELD_ROW"
  PER_LEG=$per_leg
fi

# --- BENCHMARKS.md ---
ratio=$(awk -v a="$best_proxy_cps" -v b="$best_direct_cps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
met() { if [ "$1" = yes ]; then echo "**met**"; else echo "**not met**"; fi }
t750=no; [ "$best_proxy" -ge 750 ] 2>/dev/null && t750=yes
t1000=no; [ "$best_proxy" -ge 1000 ] 2>/dev/null && t1000=yes
tp99=no; [ "$p99_at_500" != "-" ] && [ "$p99_at_500" -le 10 ] 2>/dev/null && tp99=yes
JAVA_VERSION=$(java -version 2>&1 | head -1 || true)
SIPP_VERSION=$( (sipp -v 2>&1 || true) | grep -o 'SIPp v[^ ]*' | head -1 | sed 's/\.$//')
CALLHOOK_VERSION=$(java -jar "$JAR" --version 2>/dev/null | head -1 || true)
{
  echo "# callhook benchmarks"
  echo
  echo "Written by \`sipp-scenarios/bench/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ); raw SIPp stats, logs and"
  echo "the configuration used are under \`target/bench/$(basename "$WORK")/\` of the run."
  echo
  echo "## Machine and versions"
  echo
  echo "- $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr)"
  echo "- $JAVA_VERSION; $SIPP_VERSION; $CALLHOOK_VERSION (JAIN-SIP RI 1.3.0-91)"
  echo "- callhook JVM: \`$JVM_FLAGS\`${EXTRA_FLAGS:+ + JFR profiling}, \`config/logback.xml\` (async file log: every state and delivery line written)"
  echo "- SIPp, callhook and the HTTPS receiver share the machine; everything on 127.0.0.1, UDP"
  echo "- load average (1/5/15 min) before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (above ~1 other work shared the 2 cores)"
  echo
  echo "## Method"
  echo
  echo "Flow: the documented incoming call (\`incoming_caller.xml\` → \`incoming_device.xml\`): INVITE, 100, 180"
  echo "after 200 ms of ringing, 200, ACK, 500 ms of talk, BYE, 200; through callhook that is 3 webhook POSTs"
  echo "(EARLY, CONFIRMED, TERMINATED) over HTTPS to a local receiver (\`io.callhook.bench.BenchReceiver\`, the"
  echo "JDK's HttpsServer, 2 threads) that counts them, checks (call_id, seq_num) for duplicates and gaps,"
  echo "and measures event latency = receive time − the event's \`timestamp\` (when the SIP message causing"
  echo "it reached callhook; 1 ms resolution)."
  echo
  echo "Warm-up: ${WARMUP} s through callhook ramping to ${WARMUP_RATE} calls/s in thirds, before the first step"
  echo "(a cold JVM's JIT halves capacity; thrown straight into load it queues up and collapses); then"
  echo "callhook is let settle (no live leg, no undelivered event). Then for each rate a ${STEP} s step straight SIPp → SIPp, then the same through"
  echo "callhook (same JVM throughout, so completed transactions from earlier steps are still retained"
  echo "for their timers (~5 s for completed non-INVITE ones since ShortRetention), as in service)."
  echo
  echo "Columns: calls made / failed (SIPp UAC); achieved = successful calls / step length; SIP response"
  echo "time = INVITE → 180 at the UAC (mean, and the upper bound of SIPp's bucket holding the 99th"
  echo "percentile: buckets 10, 20, 30, 40, 50, 100, 150, 200 ms); SIPp retransmissions; POSTs received /"
  echo "expected (3 per successful call); duplicates / out-of-order events; event latency p50 / p99;"
  echo "callhook CPU over the step (100 % = one core); heap used after a forced full GC at the step's end."
  echo
  echo "## Results"
  echo
  echo "| rate (calls/s) | path | calls made | failed | achieved calls/s | INVITE→180 mean ms | p99 ≤ ms | SIP retrans | POSTs recv / expected | dup / out-of-order | event latency p50 / p99 ms | callhook CPU % | heap after GC MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "Highest clean step (0 failed calls, every POST received, 0 duplicates, 0 out of order):"
  echo "direct **${best_direct} calls/s** (achieved ${best_direct_cps}), through callhook **${best_proxy} calls/s** (achieved ${best_proxy_cps});"
  echo "ratio callhook / direct = **${ratio}** (capped by the highest rate tried: direct SIPp → SIPp was not pushed to its own limit)."
  echo
  echo "Held calls: $HELD_ROW."
  echo
  echo "## Targets (issue 7)"
  echo
  echo "| target | result |"
  echo "|---|---|"
  echo "| ≥ 750 calls/s with 3 HTTPS POSTs per call, 0 failed, 0 lost, 0 out-of-order, 0 duplicate | $(met $t750) (highest clean: ${best_proxy}) |"
  echo "| stretch: 1,000 calls/s clean | $(met $t1000) |"
  echo "| event latency p99 ≤ 10 ms at 500 calls/s | $(met $tp99) (p99 ${p99_at_500} ms) |"
  th="**not measured**"
  if [ -n "${PER_LEG:-}" ] && [ "$PER_LEG" != "-" ]; then
    if [ "$PER_LEG" -le 2048 ]; then th="**met** (${PER_LEG} bytes)"; else th="**not met** (${PER_LEG} bytes)"; fi
  fi
  echo "| ≤ 2 KiB retained heap per live leg | $th |"
  echo "| past capacity the proxy plateaus (admission control, 503 + Retry-After) | judge from the rows above the clean limit: achieved calls/s should stay near the clean limit, the excess failing fast (503), not collapse (see \"Reading this run\") |"
  echo
  echo "## Reproduce"
  echo
  echo '```sh'
  echo "sipp-scenarios/bench/run.sh                       # builds target/callhook.jar if missing; ~$(( ( $(wc -w <<<"$RATES") * (2 * STEP + 25) + WARMUP + 60 ) / 60 )) min"
  echo "sipp-scenarios/bench/run.sh --rates \"500 750\" --step-seconds 20 --out /tmp/b.md"
  echo '```'
  if [ -f sipp-scenarios/bench/NOTES.md ]; then
    echo
    cat sipp-scenarios/bench/NOTES.md
  fi
} > "$OUT"
echo "bench: wrote $OUT"
