#!/bin/bash
# TAP: every file with translatable strings is listed in po/POTFILES.in,
# and every listed file exists.
set -uo pipefail
root=${1:?source root}
cd "$root" || exit 1

listed=$(grep -vE '^\s*(#|$)' po/POTFILES.in | sort)
found=$( { grep -rlE '\b(_|N_|C_|NC_)\s*\(' src --include='*.c';
           grep -rl 'translatable="yes"' src --include='*.ui';
           echo data/org.xgb.Broker.gschema.xml;
           echo org.xgb.Broker.desktop; } | sort -u)

echo "1..2"
missing=$(comm -13 <(echo "$listed") <(echo "$found"))
if [[ -n $missing ]]; then
  echo "not ok 1 - files with translatable strings are in po/POTFILES.in"
  echo "$missing" | sed 's/^/# missing: /'
else
  echo "ok 1 - files with translatable strings are in po/POTFILES.in"
fi

stale=''
while read -r f; do
  [[ -e $f ]] || stale+="$f "
done <<< "$listed"
if [[ -n $stale ]]; then
  echo "not ok 2 - every file in po/POTFILES.in exists"
  echo "# stale: $stale"
else
  echo "ok 2 - every file in po/POTFILES.in exists"
fi
