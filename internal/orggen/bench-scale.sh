#!/bin/sh
# bench-scale.sh: `make bench-scale`. Generates organizations of the given
# sizes (orgaudit generate), runs check and paths --to ou:Prod on each
# under GNU time -v BENCH_RUNS times, and prints one table row per size and
# command: wall clock and peak RSS ranges, the peak over the snapshot size,
# and the load average before the runs (the machine may be shared).
# Reports go to files under BENCH_DIR, never to /dev/null through --output.
set -eu
BIN=${BIN:-bin/orgaudit}
DIR=${BENCH_DIR:-/tmp/orgaudit-bench}
RUNS=${BENCH_RUNS:-3}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-scale: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }
mkdir -p "$DIR"
[ $# -gt 0 ] || set -- 1000 10000

printf '| accounts | snapshot | command | wall clock | peak RSS | peak / snapshot | load average |\n'
printf '| ---: | ---: | --- | --- | --- | ---: | --- |\n'
for n in "$@"; do
	snap="$DIR/org-$n.json"
	[ -s "$snap" ] || "$BIN" generate --accounts "$n" --output "$snap" 2>/dev/null
	size=$(wc -c <"$snap")
	for cmd in check paths; do
		case $cmd in
		check) args="check --snapshot $snap --format json" ;;
		paths) args="paths --snapshot $snap --to ou:Prod --format json" ;;
		esac
		load=$(cut -d' ' -f1 /proc/loadavg)
		walls="" peaks=""
		i=0
		while [ $i -lt "$RUNS" ]; do
			i=$((i + 1))
			# Exit 1 (findings) is expected from check.
			$TIME -v "$BIN" $args >"$DIR/$cmd-$n.out" 2>"$DIR/$cmd-$n.time" || true
			if ! grep -q 'Exit status: [01]$' "$DIR/$cmd-$n.time"; then
				echo "bench-scale: $cmd on $n accounts failed, see $DIR/$cmd-$n.time" >&2
				exit 1
			fi
			w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/$cmd-$n.time" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
			p=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/$cmd-$n.time")
			walls="$walls $w" peaks="$peaks $p"
		done
		echo "$n $size $cmd $load$walls |$peaks" | awk '{
			n = $1; size = $2; cmd = $3; load = $4
			split($0, halves, "|"); split(halves[1], a, " "); split(halves[2], b, " ")
			wmin = wmax = a[5]; for (i = 5; i <= length(a); i++) { if (a[i] < wmin) wmin = a[i]; if (a[i] > wmax) wmax = a[i] }
			pmin = pmax = b[1]; for (i = 1; i <= length(b); i++) { if (b[i] < pmin) pmin = b[i]; if (b[i] > pmax) pmax = b[i] }
			printf "| %d | %.0f MB | %s | %.2f–%.2f s | %.0f–%.0f MB | %.1f | %s |\n", n, size / 1e6, cmd, wmin, wmax, pmin * 1024 / 1e6, pmax * 1024 / 1e6, pmax * 1024 / size, load
		}'
	done
done
