#!/usr/bin/env bash
# The hostile user's cases of a full disk, signals, a power cut and damaged
# files, each run once: prints each command's exit code, message and what
# it left.  The disk cases need root (a 2 MB tmpfs).
# Usage: bench/damage-cases.sh [OMPSCALE] [PLOT_SH]   (after make build)
here=$(cd "$(dirname "$0")/.." && pwd)
B=$(realpath "${1:-$here/build/ompscale}"); P=$(realpath "${2:-$here/plots/plot.sh}")
T=$(mktemp -d); cd "$T" || exit 1
args=(--quick --kernels midpoint,copy,counter_atomic,false_sharing --threads 1,2)
$B run "${args[@]}" --out A 2>/dev/null; $B run --quick --kernels imbalance --threads 1,2 --out C 2>/dev/null
echo "== 1 fleet A A"; $B fleet A A --report F >o 2>e; echo "exit $?: $(cat e o | head -2)"
echo "== 1 fleet A C (two plans)"; $B fleet A C --report F >o 2>e; echo "exit $?: $(cat o | head -1 | cut -c1-160)"
echo "== 1 compare A A"; $B compare A A >o 2>e; echo "exit $?: $(cat e | head -1) $(tail -1 o)"
mkdir -p m
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2m tmpfs m 2>/dev/null; then
echo "== 2 plot.sh with ~120 KB free"; cp -r A m/A; rm -f m/A/*.png m/A/*.svg; f=$(( $(df -k --output=avail m | tail -1) - 120 )); dd if=/dev/zero of=m/fill bs=1k count=$f 2>/dev/null
OMPSCALE=$B bash $P m/A >o 2>e; echo "exit $?; empty files: $(find m/A -size 0 -name '*.png' -o -size 0 -name '*.svg' | wc -l); pictures: $(ls m/A/*.png 2>/dev/null | wc -l); last message: $(tail -1 e)"
rm -rf m/*; f=$(( $(df -k --output=avail m | tail -1) - 8 )); dd if=/dev/zero of=m/fill bs=1k count=$f 2>/dev/null
echo "== 2 run --out on a full disk"; $B run --quick --kernels midpoint --threads 1,2 --out m/r >o 2>e; echo "exit $?: $(tail -1 e); gbench.json: $(ls -l m/r/gbench.json 2>&1 | awk '{print $5}')"
rm -rf m/r; echo "== 2 history add on a full disk"; $B history add A --db m/h.sqlite >o 2>e; echo "exit $?: $(cat e); store: $(ls m/h.sqlite 2>&1)"
echo "== 2 history add of a missing dir"; $B history add nodir --db h2.sqlite >o 2>e; echo "exit $?: $(cat e); store: $(ls h2.sqlite 2>&1)"
umount m
else
    echo "== 2 skipped: the full-disk cases need root to mount a small tmpfs"
fi
echo "== 3 SIGTERM during --dry-run of 16,384 PUs"; HWLOC_SYNTHETIC="pack:16 numa:2 l3:4(size=32MB) core:64 pu:2" $B run --dry-run >o 2>e & p=$!; sleep 0.3; s=$(date +%s%N); kill -TERM $p; wait $p; echo "exit $? after $(( ($(date +%s%N)-s)/1000000 )) ms: $(tail -1 e)"
echo "== 3 --dry-run of 32,768 PUs"; HWLOC_SYNTHETIC="pack:32 numa:2 l3:4(size=32MB) core:64 pu:2" timeout 60 $B run --dry-run >o 2>e; echo "exit $?: $(tail -1 e)"
echo "== 3 SIGTERM during plot.sh"; OMPSCALE=$B bash $P A >/dev/null 2>&1; OMPSCALE=$B bash $P A >o 2>e & p=$!; sleep 0.8; kill -TERM $p; wait $p; echo "exit $?; missing linked pictures: $(for f in $(grep -o 'src="[^"]*\.png"' A/index.html | sed 's/src="//;s/"$//'); do [ -f A/$f ] || echo $f; done | wc -l); temporaries: $(ls -A A | grep -c -e tmp -e stage)"
echo "== 3 SIGTERM during fit"; $B fit A >o 2>e & p=$!; sleep 0.01; kill -TERM $p; wait $p; echo "exit $?; temporaries: $(ls -A A | grep -c tmp)"
echo "== 4 a power cut (runs.csv's last line half-written)"; cp -r A cut; head -c -9 A/runs.csv > cut/runs.csv
for c in "summarize cut" "compare C cut" "history add cut --db h3.sqlite"; do $B $c >o 2>e; echo "$c: exit $?: $(head -1 e | cut -c1-150)"; done
echo "== 5 a NUL byte"; cp -r A nul; perl -pe 's/,/,\0/ if $. == 3' A/runs.csv > nul/runs.csv; $B summarize nul >o 2>e; echo "exit $?: $(cat e)"
echo "== 5 physical_cores \"two\""; cp -r A two; sed -i 's/"physical_cores": [0-9]*/"physical_cores": "two"/' two/machine.json; $B history add two --db h4.sqlite >o 2>e; echo "exit $?: $(cat e)"
echo "== 5 seed \"x\""; cp -r A sx; sed -i 's/"seed": [0-9]*/"seed": "x"/;s/"state": "complete"/"state": "interrupted"/' sx/machine.json; $B run --resume sx >o 2>e; echo "exit $?: $(tail -1 e)"
echo "== 6 messages"; chmod a-w A; $B history add A --db /tmp >o 2>e; echo "--db DIR: exit $?: $(cat e)"; $B export A --format bencher --out '' >o 2>e; echo "export --out '': exit $?: $(cat e)"
chmod u+w A; cd /; rm -rf $T
