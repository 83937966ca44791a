#!/usr/bin/env bash
# The `ksim` command as users and scripts meet it: exit codes (0 ok, 2 bad input), messages that
# say what to do, and output lines that scripts parse.
#
#   bash tests/cli/cli_test.sh path/to/ksim
set -u
ksim=${1:?usage: cli_test.sh path/to/ksim}
program=$ksim
program_name=ksim
source "$(dirname "${BASH_SOURCE[0]}")/../expect.sh"

expect 2 'no command given' 
expect 2 'unknown command `frobnicate`' frobnicate
expect 0 'usage: ksim' help
expect 0 '^ksim [0-9]+\.[0-9]+\.[0-9]+$' version
expect 2 'unknown benchmark `disk`; the benchmarks are: kernel' bench disk
expect 2 'name a benchmark' bench
expect 2 'option --events: "0" is not valid \(a whole number from 1 to' bench kernel --events 0
expect 2 'option --rounds: "x" is not valid' bench kernel --rounds x
expect 2 'ksim bench: .*see `ksim bench --help`' bench kernel --bogus
expect 2 'unknown demo `chat`' demo chat
expect 2 'option --duration: bad duration "5 parsecs"' demo gossip --duration '5 parsecs'
expect 2 'option --nodes: "1" is not valid \(a whole number from 2 to 1000\)' demo gossip --nodes 1
expect 2 'option --nodes: "-5" is not valid' demo gossip --nodes -5
expect 2 'option --nodes: "abc" is not valid' demo gossip --nodes abc
expect 2 'option --seed: "99999999999999999999" is not valid' demo gossip --seed 99999999999999999999
expect 2 'option --duration: must be positive' demo gossip --duration 0s
expect 2 'cannot write the trace file /nonexistent/dir/t.jsonl.tmp' demo gossip --trace /nonexistent/dir/t.jsonl

# The bench's last line is a contract: `kernel events_per_s=<n> baseline_events_per_s=<n> ratio=<r>`.
"$ksim" bench kernel --events 20000 > "$work/bench" 2>&1 || fail "bench kernel failed: $(cat "$work/bench")"
tail -n 1 "$work/bench" | grep -qE '^kernel events_per_s=[0-9]+ baseline_events_per_s=[0-9]+ ratio=[0-9]+\.[0-9]{2}$' ||
  fail "bench kernel's last line breaks the contract: $(tail -n 1 "$work/bench")"

"$ksim" bench replication > "$work/bench" 2>&1 || fail "bench replication failed: $(cat "$work/bench")"
tail -n 1 "$work/bench" | grep -qE '^replication sim_seconds_per_wall_second=[0-9]+\.[0-9] batches_per_wall_second=[0-9]+$' ||
  fail "bench replication's last line breaks the contract: $(tail -n 1 "$work/bench")"
expect 2 'option --events: the replication benchmark does not take it \(it takes --seed\)' bench replication --events 5
expect 2 'option --partitions: the kernel benchmark does not take it' bench kernel --partitions 5

# `ksim partition`: one line per key, `<key>\t<partition>`, in the order given, as the Java client.
# murmur2("foobar") = -790332482, toPositive = 1357151166, % 10 = 6; murmur2("21") -> 0; "abc" -> 7.
"$ksim" partition --partitions 10 foobar 21 "" abc > "$work/part" 2>&1 || fail "partition failed: $(cat "$work/part")"
printf 'foobar\t6\n21\t0\n\t1\nabc\t7\n' | cmp -s - "$work/part" || fail "partition printed: $(cat -A "$work/part")"
"$ksim" partition --partitions 10 --hex 666f6f626172 > "$work/part" 2>&1
printf '666f6f626172\t6\n' | cmp -s - "$work/part" || fail "hex keys: $(cat -A "$work/part")"
expect 2 'hex keys need two digits per byte' partition --partitions 10 --hex abc
expect 2 '"zz" is not a hex byte' partition --partitions 10 --hex zz
expect 2 -- '--partitions N is required' partition foo
expect 2 'option --partitions: "0" is not valid' partition --partitions 0 a
expect 2 'give at least one key' partition --partitions 3

"$ksim" bench producer --duration 200ms > "$work/bench" 2>&1 || fail "bench producer failed: $(cat "$work/bench")"
tail -n 1 "$work/bench" | grep -qE '^producer records_per_wall_second=[0-9]+ sim_seconds_per_wall_second=[0-9]+\.[0-9]{2}$' ||
  fail "bench producer's last line breaks the contract: $(tail -n 1 "$work/bench")"

# `ksim bench throughput`: the contract line, and every record acknowledged and consumed once.
"$ksim" bench throughput --duration 1s > "$work/bench" 2>&1 || fail "bench throughput failed: $(cat "$work/bench")"
tail -n 1 "$work/bench" | grep -qE '^throughput sim_seconds_per_wall_second=[0-9]+\.[0-9] records_per_wall_second=[0-9]+$' ||
  fail "bench throughput's last line breaks the contract: $(tail -n 1 "$work/bench")"
# A benchmark says first how it was built, then which pages its heap ran on.
head -n 1 "$work/bench" | grep -qE '^build: [A-Za-z]+, [A-Za-z]+ [0-9.]+, flags: ' ||
  fail "bench throughput's first line does not say how it was built: $(head -n 1 "$work/bench")"
# ksim restarts itself with glibc's huge-page tunable when the kernel gives THP on request; a
# user's own GLIBC_TUNABLES setting is left alone.
thp_mode=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
if [ "$thp_mode" = madvise ]; then
  sed -n 2p "$work/bench" | grep -qx 'heap: transparent huge pages (glibc.malloc.hugetlb=1, THP mode madvise)' ||
    fail "no huge pages under THP mode madvise: $(sed -n 2p "$work/bench")"
  GLIBC_TUNABLES=glibc.malloc.hugetlb=0 "$ksim" bench throughput --duration 1s > "$work/bench" 2>&1
  sed -n 2p "$work/bench" | grep -qx 'heap: 4 KiB pages (THP mode madvise, GLIBC_TUNABLES=glibc.malloc.hugetlb=0)' ||
    fail "the user's GLIBC_TUNABLES was not kept: $(sed -n 2p "$work/bench")"
fi

"$ksim" bench assign > "$work/bench" 2>&1 || fail "bench assign failed: $(cat "$work/bench")"
tail -n 1 "$work/bench" | grep -qE '^assign cooperative_sticky_ms=[0-9]+\.[0-9] range_ms=[0-9]+\.[0-9] rebalance_500_wall_ms=[0-9]+$' ||
  fail "bench assign's last line breaks the contract: $(tail -n 1 "$work/bench")"

# `ksim bench throughput`: the contract line, and its own check that every record was consumed once.
"$ksim" bench throughput --duration 2s > "$work/bench" 2>&1 || fail "bench throughput failed: $(cat "$work/bench")"
tail -n 1 "$work/bench" | grep -qE '^throughput sim_seconds_per_wall_second=[0-9]+\.[0-9] records_per_wall_second=[0-9]+$' ||
  fail "bench throughput's last line breaks the contract: $(tail -n 1 "$work/bench")"
grep -qE 'records sent (1[0-9]{5}|2[0-9]{5}), acknowledged \1, consumed \1;' "$work/bench" ||
  fail "bench throughput did not carry 2 s of records end to end: $(cat "$work/bench")"
expect 2 'option --brokers: "2" is not valid' bench throughput --brokers 2
expect 2 'option --scale: "maybe" is not valid; use on or off' bench assign --scale maybe
expect 2 'option --scale: the producer benchmark does not take it' bench producer --scale off

# `ksim assign`: JSON in, JSON out, members in file order.
printf '{"members": {"c1": ["t"], "c0": ["t"]}, "topics": {"t": 5}}' > "$work/group.json"
"$ksim" assign --assignor range "$work/group.json" > "$work/assign" 2>&1 || fail "assign failed: $(cat "$work/assign")"
[ "$(cat "$work/assign")" = '{"c1":["t-3","t-4"],"c0":["t-0","t-1","t-2"]}' ] || fail "range assigned: $(cat "$work/assign")"
"$ksim" assign --assignor roundrobin "$work/group.json" > "$work/assign" 2>&1
[ "$(cat "$work/assign")" = '{"c1":["t-1","t-3"],"c0":["t-0","t-2","t-4"]}' ] || fail "roundrobin assigned: $(cat "$work/assign")"
# Sticky and cooperative-sticky: c0 keeps t-1 and t-2; t-3 moves to c1, withheld in the cooperative round.
printf '{"members": {"c0": ["t"], "c1": ["t"]}, "topics": {"t": 4}, "owned": {"c0": ["t-1", "t-2", "t-3"]}, "generation": {"c0": 2}}' > "$work/sticky.json"
"$ksim" assign --assignor sticky "$work/sticky.json" > "$work/assign" 2>&1
[ "$(cat "$work/assign")" = '{"c0":["t-1","t-2"],"c1":["t-0","t-3"]}' ] || fail "sticky assigned: $(cat "$work/assign")"
"$ksim" assign --assignor cooperative-sticky "$work/sticky.json" > "$work/assign" 2>&1
[ "$(cat "$work/assign")" = '{"c0":["t-1","t-2"],"c1":["t-0"]}' ] || fail "cooperative-sticky assigned: $(cat "$work/assign")"
# Inputs Java's assignors take in their stride: a subscription to a topic the metadata lacks (x), a
# topic without partitions (e), owned partitions that no longer exist (t-5, gone-0). They are
# assigned around; a's valid t-1 stays with it.
printf '{"members": {"a": ["t"], "b": ["t", "x", "e"]}, "topics": {"t": 3, "e": 0}, "owned": {"a": ["t-5", "gone-0", "t-1"]}, "generation": {"a": 4}}' > "$work/odd.json"
"$ksim" assign --assignor range "$work/odd.json" > "$work/assign" 2>&1 || fail "assign around missing topics failed: $(cat "$work/assign")"
[ "$(cat "$work/assign")" = '{"a":["t-0","t-1"],"b":["t-2"]}' ] || fail "range around missing topics assigned: $(cat "$work/assign")"
"$ksim" assign --assignor cooperative-sticky "$work/odd.json" > "$work/assign" 2>&1 || fail "assign around gone partitions failed: $(cat "$work/assign")"
[ "$(cat "$work/assign")" = '{"a":["t-1","t-2"],"b":["t-0"]}' ] || fail "cooperative-sticky around gone partitions assigned: $(cat "$work/assign")"
printf '{"members": {"a": ["t"]}, "topics": {"t": 2}, "generation": {"a": -7}}' > "$work/bad.json"
expect 2 'generation.a: must be a whole number from -1' assign --assignor sticky "$work/bad.json"
expect 2 'unknown assignor "fair"' assign --assignor fair "$work/group.json"
printf '{"members": {"a": ["t"]}, "topics": {"t": -1}}' > "$work/bad.json"
expect 2 'bad.json: topics.t: must be a whole number of partitions, 0 or more' assign --assignor range "$work/bad.json"
printf '{"members": {"a": ["t"]}, "topics": {"t": 1}, "extra": 1}' > "$work/bad.json"
expect 2 'unknown key "extra"' assign --assignor range "$work/bad.json"
printf '{"members": {"a": ["t"]}, "topics": {"t": 1}, "owned": {"a": ["t0"]}}' > "$work/bad.json"
expect 2 '"t0" is not a partition' assign --assignor range "$work/bad.json"
printf '{"members": ' > "$work/bad.json"
expect 2 'not valid JSON' assign --assignor range "$work/bad.json"
expect 2 'cannot be read' assign --assignor range "$work/missing.json"

# Scenarios: check, list, run (exit 0 when the expectations hold, 1 when one fails, 2 on bad input).
labs=$(cd "$(dirname "$0")/../../scenarios" && pwd)
expect 0 'ok \(' check "$labs/acks-leader-crash.json"
"$ksim" list > "$work/list" 2>&1 || fail "list failed: $(cat "$work/list")"
grep -q '^acks-leader-crash.json .*followers have not copied' "$work/list" || fail "list lacks the acks lab: $(cat "$work/list")"
"$ksim" run --report json --variant acks=all "$labs/acks-leader-crash.json" > "$work/run" 2>&1 || fail "run failed: $(cat "$work/run")"
[ "$(wc -l < "$work/run")" -eq 1 ] || fail "one variant should print one JSON line: $(cat "$work/run")"
for key in '"scenario":' '"seed":7' '"trace_hash":"[0-9a-f]{16}"' '"passed":true' '"figures":\{' '"expectations":\[\{"expr":"acked_lost == 0","actual":0'; do
  grep -qE "$key" "$work/run" || fail "the JSON report lacks $key: $(head -c 300 "$work/run")"
done
sed 's/"expect": \["acked_lost > 0"/"expect": ["acked_lost > 1000000"/' "$labs/acks-leader-crash.json" > "$work/failing.json"
expect 1 '✗ acked_lost > 1000000' run --variant base --until 12s "$work/failing.json"
expect 2 'option --report: must be text or json' run --report xml "$labs/acks-leader-crash.json"
expect 2 'no variant "acks=2"' run --variant acks=2 "$labs/acks-leader-crash.json"
expect 2 'cannot be read' run "$work/missing.json"
"$ksim" run --variant acks=all --until 11s --trace "$work/trace.jsonl" "$labs/acks-leader-crash.json" > /dev/null 2>&1
grep -q '"kind":"fault.applied"' "$work/trace.jsonl" || fail "--trace did not write the run's events"
expect 2 'option --trace: writes one run' run --trace "$work/t2.jsonl" "$labs/acks-leader-crash.json"

"$ksim" describe "$labs/unclean-leader-election.json" --at 30s > "$work/describe" 2>&1 || fail "describe failed: $(cat "$work/describe")"
grep -qE 'Topic: orders	Partition: 0	Leader: none	Replicas: 1,2,3	Isr: 	Elr: 1	LastKnownElr: 1	.*\(offline\)' "$work/describe" ||
  fail "describe at 30s should show orders-0 offline: $(cat "$work/describe")"
# The quorum as kafka-metadata-quorum describe --status and --replication show it.
grep -qE '^LeaderId: +100[123]$' "$work/describe" || fail "describe should name the quorum's leader: $(cat "$work/describe")"
grep -qE '^100[123] +- +[0-9]+ +0 +.* Leader$' "$work/describe" || fail "describe --replication should list the leader: $(cat "$work/describe")"
grep -q '(active controller)' "$work/describe" || fail "describe should name the active controller: $(cat "$work/describe")"
expect 2 'option --at: 99s is after the end of the run' describe "$labs/unclean-leader-election.json" --at 99s
expect 2 -- '--at T is required' describe "$labs/unclean-leader-election.json"

# explore: seeds, shards that together make the whole, --merge, and the reproduce line.
"$ksim" explore "$labs/acks-leader-crash.json" --variant acks=all --seeds 1..8 --random-faults --jobs 2 --json "$work/all.json" > "$work/explore" 2>&1
[ $? -le 1 ] || fail "explore failed: $(cat "$work/explore")"
grep -qE '^explored .*acks-leader-crash.json: 8 seeds \(1\.\.8, shard 1/1\) with random faults, [0-9]+ failing$' "$work/explore" ||
  fail "explore's summary line: $(head -n 1 "$work/explore")"
"$ksim" explore "$labs/acks-leader-crash.json" --variant acks=all --seeds 1..8 --random-faults --shard 1/2 --json "$work/s1.json" > /dev/null 2>&1
"$ksim" explore "$labs/acks-leader-crash.json" --variant acks=all --seeds 1..8 --random-faults --shard 2/2 --json "$work/s2.json" > /dev/null 2>&1
"$ksim" explore --merge "$work/s1.json" "$work/s2.json" > "$work/merged" 2>&1
"$ksim" explore --merge "$work/all.json" > "$work/whole" 2>&1
cmp -s "$work/merged" "$work/whole" || fail "two shards merged differ from the whole campaign: $(cat "$work/merged") / $(cat "$work/whole")"
if grep -q 'reproduce:' "$work/explore"; then
  seed=$(sed -n 's/.*--seeds \([0-9]*\)\.\..*/\1/p' "$work/explore" | head -n 1)
  "$ksim" explore "$labs/acks-leader-crash.json" --variant acks=all --random-faults --seeds "$seed..$seed" > "$work/again" 2>&1
  grep -q "1 failing" "$work/again" || fail "the reproduce command did not fail again: $(cat "$work/again")"
fi
expect 2 'option --seeds: "9..1" is not a range' explore "$labs/acks-leader-crash.json" --seeds 9..1
expect 2 'option --save: "/nonexistent/dir" is not a directory; create it first' explore "$labs/acks-leader-crash.json" --seeds 1..2 --save /nonexistent/dir

# explore --save: every failing seed becomes a scenario file that `ksim run` replays to the
# explored run's hash. This scenario's expectation cannot hold, so every seed fails and is saved.
cat > "$work/never.json" <<'JSON'
{"name": "never", "duration": "20s", "cluster": {"brokers": 3},
 "topics": [{"name": "t", "partitions": 2, "replication.factor": 3}],
 "producers": [{"name": "p", "topic": "t", "rate": 200, "stop": "12s", "config": {"acks": "all"}}],
 "consumers": [{"group": "g", "topics": ["t"], "config": {"auto.offset.reset": "earliest"}}],
 "faults": [{"at": "3s", "do": "crash", "target": "consumer:g/0"}, {"at": "4s", "do": "restart", "target": "consumer:g/0"}],
 "expect": ["acked > 1000000000"]}
JSON
mkdir -p "$work/saved"
"$ksim" explore "$work/never.json" --seeds 1..4 --random-faults --json "$work/never-results.json" --save "$work/saved" > "$work/never-explore" 2>&1
[ $? -eq 1 ] || fail "explore of an impossible expectation should fail: $(cat "$work/never-explore")"
for seed in 1 2 3 4; do
  saved="$work/saved/never-seed-$seed.json"
  [ -f "$saved" ] || fail "explore --save wrote no $saved: $(cat "$work/never-explore")"
  grep -q "saved: $saved" "$work/never-explore" || fail "explore does not name $saved"
  explored=$(tr -d ' \n' < "$work/never-results.json" | grep -o "\"seed\":$seed,\"passed\":false,\"trace_hash\":\"[0-9a-f]*\"" | sed 's/.*"trace_hash":"\([0-9a-f]*\)"/\1/')
  replayed=$("$ksim" run --report json "$saved" | sed -n 's/.*"trace_hash":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$explored" ] && [ "$explored" = "$replayed" ] || fail "seed $seed: the saved file replays to $replayed, explore ran $explored"
done
# Every drawn fault ends within the run: a node that stops restarts, a cut heals, a slow link is restored.
"$ksim" explore "$labs/acks-leader-crash.json" --variant acks=all --seeds 1..40 --random-faults --json "$work/forty.json" > /dev/null 2>&1
tr -d '\n' < "$work/forty.json" | grep -o '"faults": *\[[^]]*\]' > "$work/fault-lists"
count() { grep -oE " ($1)\b" <<< "$2" | wc -l; }
while read -r list; do
  [ "$(count 'crash|power-loss' "$list")" -eq "$(count restart "$list")" ] || fail "a stopped node does not restart within the run: $list"
  [ "$(count partition "$list")" -eq "$(count heal "$list")" ] || fail "a cut does not heal within the run: $list"
  [ "$(count slow-link "$list")" -eq "$(count restore-link "$list")" ] || fail "a slow link is not restored within the run: $list"
done < "$work/fault-lists"
[ -s "$work/fault-lists" ] || fail "explore --json lists no faults"
grep -qE '(crash|power-loss) controller:[0-9]' "$work/fault-lists" || fail "explore never draws a controller crash or power loss"
grep -qE 'partition controller:[0-9]' "$work/fault-lists" || fail "explore never cuts a controller off"
expect 2 'option --shard: "3/2" is not I/N' explore "$labs/acks-leader-crash.json" --seeds 1..2 --shard 3/2

# A demo run is reproducible: same seed, same fingerprint; another seed, another fingerprint.
fingerprint() { "$ksim" demo gossip --nodes 20 --duration 1s --seed "$1" | sed -n 's/.*fingerprint=\([0-9a-f]*\).*/\1/p'; }
a=$(fingerprint 5)
b=$(fingerprint 5)
c=$(fingerprint 6)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "same seed gave fingerprints '$a' and '$b'"
[ "$a" != "$c" ] || fail "seeds 5 and 6 gave the same fingerprint $a"

# --trace writes a JSON Lines file whose event count matches the summary.
"$ksim" demo gossip --nodes 10 --duration 500ms --trace "$work/trace.jsonl" > "$work/demo" 2>&1 ||
  fail "demo with --trace failed: $(cat "$work/demo")"
events=$(sed -n 's/^trace events=\([0-9]*\) .*/\1/p' "$work/demo")
lines=$(wc -l < "$work/trace.jsonl")
[ -n "$events" ] && [ "$events" -eq "$lines" ] || fail "summary says $events events, file has $lines lines"
head -n 1 "$work/trace.jsonl" | grep -qE '^\{"t_ns":0,"t":"0ns","node":"node:0","kind":"node.started"' ||
  fail "unexpected first trace line: $(head -n 1 "$work/trace.jsonl")"
[ ! -e "$work/trace.jsonl.tmp" ] || fail "the temporary trace file was left behind"

finish cli
