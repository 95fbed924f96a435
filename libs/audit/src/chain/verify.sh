#!/usr/bin/env bash
# Verifies a Baosong audit bundle with bash, coreutils and openssl only. Run it in the bundle's directory:
#   bash verify.sh
# It checks: every file against SHA256SUMS; every checkpoint's Ed25519 signature with public-key.pem; every
# event's content hash (sha256 of its line in events.ndjson); every link of the hash chain (chain.tsv), from the
# anchor in start.txt; holes only where a signed checkpoint attests them, with the hashes on both sides
# (holes.tsv); that the range ends where manifest.json says; and each checkpoint whose position falls in the range
# against the event there. It prints OK and a summary, or FAIL and the first thing that is wrong.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
HEX64='^[0-9a-f]{64}$'

sha256sum --quiet --strict -c SHA256SUMS || fail "a file differs from SHA256SUMS"

# 1. the checkpoints: only those whose signature verifies are used below
for p in checkpoints/*.payload; do
  [ -e "$p" ] || continue
  [[ "$(basename "$p")" =~ ^[0-9]{8}\.payload$ ]] || fail "$p: not a checkpoint file name"
  openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in "$p" -sigfile "${p%.payload}.sig" > /dev/null 2>&1 \
    || fail "$p: the signature does not verify with public-key.pem"
done

# 2. the holes: each attested, with both hashes, by a signed checkpoint of the bundle
while IFS=$'\t' read -r from to before after seq; do
  [ -n "$from" ] || continue
  [[ "$from" =~ ^[0-9]+$ && "$to" =~ ^[0-9]+$ && "$before" =~ $HEX64 && "$after" =~ $HEX64 && "$seq" =~ ^[0-9]{8}$ ]] \
    || fail "holes.tsv: a line is not from, to, hash, hash, sequence"
  [ -e "checkpoints/$seq.payload" ] || fail "holes.tsv: hole $from-$to names a checkpoint the bundle does not hold"
  grep -qE "^holes: (.*,)?$from-$to:$before:$after(,|$)" "checkpoints/$seq.payload" \
    || fail "holes.tsv: hole $from-$to is not attested by checkpoints/$seq.payload"
done < holes.tsv

# 3. the chain, event by event
read -r _ last_pos prev < start.txt
first=""; n=0
exec 3< events.ndjson
while IFS=$'\t' read -r pos us content_hash prev_hash hash; do
  IFS= read -r line <&3 || fail "events.ndjson has fewer lines than chain.tsv"
  actual=$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)
  [ "$actual" = "$content_hash" ] || fail "position $pos: the event's content hash is $actual, chain.tsv says $content_hash"
  if [ "$prev_hash" != "$prev" ]; then
    if [ "$pos" -gt $((last_pos + 1)) ] && grep -q "^$((last_pos + 1))"$'\t'"$((pos - 1))"$'\t'"$prev"$'\t'"$prev_hash"$'\t' holes.tsv; then
      :
    else
      fail "position $pos: its prev_hash is not the hash of the event before it (at $last_pos)"
    fi
  fi
  expected=$(printf '%s\n%s\n%s\n%s' "$prev_hash" "$pos" "$us" "$content_hash" | sha256sum | cut -d' ' -f1)
  [ "$expected" = "$hash" ] || fail "position $pos: its hash is not sha256(prev_hash, position, time, content hash)"
  prev="$hash"; last_pos="$pos"; n=$((n + 1)); [ -n "$first" ] || first="$pos"
done < chain.tsv
if IFS= read -r _ <&3; then fail "events.ndjson has more lines than chain.tsv"; fi

# 4. the range ends where the manifest says (a cut tail of chain.tsv and events.ndjson is caught here)
expected_last=$(sed -n 's/^  "lastPosition": "\([0-9]*\)",$/\1/p' manifest.json)
[ "$expected_last" = "$last_pos" ] || fail "the range ends at $last_pos, manifest.json says $expected_last"

# 5. each checkpoint in the range: the event at its position has the hash it signed
covered=""
for p in checkpoints/*.payload; do
  [ -e "$p" ] || continue
  cp_pos=$(sed -n 's/^position: //p' "$p"); cp_hash=$(sed -n 's/^hash: //p' "$p")
  [ -n "$first" ] || continue
  if [ "$cp_pos" -ge "$first" ] && [ "$cp_pos" -le "$last_pos" ]; then
    at=$(grep "^$cp_pos"$'\t' chain.tsv | cut -f5 || true)
    [ -n "$at" ] || fail "$p signs position $cp_pos, which holds no event in chain.tsv"
    [ "$at" = "$cp_hash" ] || fail "$p signs $cp_hash at $cp_pos, the chain has $at"
    covered="$cp_pos"
  fi
done

echo "OK: $n events (positions ${first:-none} to $last_pos), head hash $prev"
echo "public key sha256: $(openssl pkey -pubin -in public-key.pem -outform DER 2>/dev/null | sha256sum | cut -c1-16) (compare with the key the institution published)"
if [ -n "$covered" ]; then
  echo "signed checkpoints cover the chain up to position $covered"
  [ "$covered" = "$last_pos" ] || echo "events after position $covered are linked but not yet covered by a signed checkpoint in this bundle"
else
  echo "no signed checkpoint falls in this range: the events are linked, not authenticated"
fi
