#!/usr/bin/env bash
# Regenerates the JSON files the README's result tables are built from (slow: ~1 h of CPU on 2 busy
# cores), then `pnpm tandem results` rewrites the README tables from them. Fixed seeds: reruns reproduce.
# A file that exists is kept; delete it to rerun that evaluation. `./regenerate.sh loo` runs one.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/results
all=pop,itemknn,ease,mf-als,mf-bpr,recall-merged,semantic,tandem,tandem-no-semantic,tandem-no-statistical
compare=(--compare tandem,mf-als --compare tandem,itemknn --compare tandem,ease --compare tandem,recall-merged --compare tandem,tandem-no-semantic --compare ease,itemknn)
eval_() { local name=$1; shift; [ -s "$out/$name.json" ] && return 0; pnpm --silent tandem eval --quiet --k 10,20 "$@" --json "$out/$name.json" > "$out/$name.txt"; }
cold() { local name=$1; shift; [ -s "$out/$name.json" ] && return 0; pnpm --silent tandem coldstart --quiet "$@" --json "$out/$name.json" > "$out/$name.txt"; }
job() {
  case $1 in
    loo) eval_ loo --model "$all" "${compare[@]}" ;;
    temporal) eval_ temporal --protocol temporal --model pop,itemknn,ease,mf-als,mf-bpr,recall-merged,semantic,tandem "${compare[@]:0:8}" --compare ease,itemknn ;;
    tags) eval_ loo-tags-all --item-tags all --model semantic,tandem ;;
    ties) eval_ loo-ties-random-1 --tie-order random:1 --model pop,itemknn,mf-als,tandem ;;
    coldstart) cold coldstart && cold coldstart-tags-all --item-tags all ;;
  esac
}
for name in "${@:-loo temporal tags ties coldstart}"; do for j in $name; do job "$j"; done; done
