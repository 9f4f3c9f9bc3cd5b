#!/usr/bin/env bash
# Regenerates every JSON file the README's result tables are built from (slow: run once, ~1 h on 2 busy
# cores), then `pnpm tandem results` rewrites the README tables from them. Fixed seeds: reruns reproduce.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/results
all=pop,itemknn,ease,mf-als,mf-bpr,recall-merged,semantic,tandem,tandem-no-semantic,tandem-no-statistical
ties=pop,itemknn,mf-als,semantic,tandem
compare=(--compare tandem,mf-als --compare tandem,itemknn --compare tandem,ease --compare tandem,recall-merged --compare tandem,tandem-no-semantic --compare ease,itemknn)
run() { local name=$1; shift; [ -s "$out/$name.json" ] && return 0; pnpm --silent tandem eval --quiet --k 10,20 "$@" --json "$out/$name.json" > "$out/$name.txt"; }
run loo --model "$all" "${compare[@]}"
run temporal --protocol temporal --model "$all" "${compare[@]}"
run loo-tags-all --item-tags all --model semantic,tandem
run loo-ties-file --tie-order file --model "$ties"
run loo-ties-random-1 --tie-order random:1 --model "$ties"
[ -s "$out/coldstart.json" ] || pnpm --silent tandem coldstart --quiet --json "$out/coldstart.json" > "$out/coldstart.txt"
[ -s "$out/coldstart-tags-all.json" ] || pnpm --silent tandem coldstart --quiet --item-tags all --json "$out/coldstart-tags-all.json" > "$out/coldstart-tags-all.txt"
