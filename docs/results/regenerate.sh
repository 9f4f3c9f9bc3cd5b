#!/usr/bin/env bash
# Regenerates the JSON files the README's result tables are built from, one `tandem eval --json` per
# (protocol, model), three at a time (slow: about an hour of CPU); then `pnpm tandem results` rewrites the
# README tables from them. Fixed seeds: reruns reproduce. A file that exists is kept; delete it to rerun.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=(
  "loo tandem" "loo mf-als" "loo itemknn" "loo pop" "temporal tandem" "temporal pop" "temporal mf-als"
  "temporal itemknn" "loo semantic" "coldstart" "loo-tags-all semantic" "loo-tags-all tandem"
  "loo-ties-random-1 pop" "loo-ties-random-1 mf-als" "loo-ties-random-1 tandem" "loo mf-bpr"
  "loo recall-merged" "loo ease" "loo tandem-no-semantic" "loo tandem-no-statistical" "temporal ease"
  "temporal mf-bpr" "temporal recall-merged" "temporal semantic" "coldstart-tags-all"
  "loo-ties-random-1 itemknn" "loo seq"
)
run() {
  local set=$1 model=${2:-} out=docs/results
  local file="$out/$set${model:+--$model}.json"
  [ -s "$file" ] && return 0
  case $set in
    loo) flags=() ;;
    temporal) flags=(--protocol temporal) ;;
    loo-tags-all) flags=(--item-tags all) ;;
    loo-ties-random-1) flags=(--tie-order random:1) ;;
    coldstart) pnpm --silent tandem coldstart --quiet --json "$file.tmp" > /dev/null && mv "$file.tmp" "$file"; return ;;
    coldstart-tags-all) pnpm --silent tandem coldstart --quiet --item-tags all --json "$file.tmp" > /dev/null && mv "$file.tmp" "$file"; return ;;
  esac
  pnpm --silent tandem eval --quiet --k 10,20 "${flags[@]}" --model "$model" --json "$file.tmp" > /dev/null
  mv "$file.tmp" "$file"
}
export -f run
printf '%s\n' "${jobs[@]}" | xargs -P "${JOBS:-3}" -I{} bash -c 'run {}'
