#!/bin/bash
# TAP: every translation in po/LINGUAS is valid and complete.
#  - msgfmt --check passes (printf formats, plural forms, header);
#  - no message is untranslated or fuzzy;
#  - it has every string of the sources as they are now (a template made
#    with xgettext the way meson's i18n.gettext(preset: 'glib') makes it),
#    so a new UI string without a translation fails here.
# After changing strings: ninja -C BUILD xgb-broker-pot, then
# msgmerge --update po/LANG.po po/xgb-broker.pot and translate.
set -uo pipefail
root=${1:?source root}
cd "$root" || exit 1

for tool in msgfmt msgcmp xgettext; do
  if ! command -v "$tool" >/dev/null; then
    echo "Bail out! $tool is not installed (gettext)"
    exit 1
  fi
done

langs=$(grep -vE '^\s*(#|$)' po/LINGUAS)
if [[ -z $langs ]]; then
  echo "1..0 # SKIP no translations in po/LINGUAS"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The keywords and flags of meson's glib preset (po/meson.build)
xgettext --package-name=xgb-broker --directory=. --files-from=po/POTFILES.in \
  --output="$tmp/template.pot" --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_printerr:1:c-format --flag=g_print:1:c-format \
  2>"$tmp/xgettext.err"
template_ok=$?

n=0
failed=0
echo "1..$(( $(wc -w <<< "$langs") * 3 ))"
for lang in $langs; do
  po=po/$lang.po

  n=$((n + 1))
  if [[ ! -f $po ]]; then
    echo "not ok $n - $lang: $po exists"
    failed=1
    n=$((n + 2))
    echo "not ok $((n - 1)) - $lang: complete # no $po"
    echo "not ok $n - $lang: has every string of the sources # no $po"
    continue
  fi
  if out=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1); then
    echo "ok $n - $lang: msgfmt --check passes"
  else
    echo "not ok $n - $lang: msgfmt --check passes"
    sed 's/^/# /' <<< "$out"
    failed=1
  fi

  # "N translated messages[, N fuzzy translations][, N untranslated messages]."
  n=$((n + 1))
  stats=$(grep -E 'translated message' <<< "$out" | tail -1)
  if [[ $stats =~ ^[0-9]+\ translated\ messages?\.$ ]]; then
    echo "ok $n - $lang: complete ($stats)"
  else
    echo "not ok $n - $lang: complete, nothing fuzzy or untranslated"
    echo "# $stats"
    LC_ALL=C msgattrib --only-fuzzy --no-wrap "$po" 2>/dev/null | grep -E '^msgid "[^"]' | head -20 | sed 's/^/# fuzzy: /'
    LC_ALL=C msgattrib --untranslated --no-wrap "$po" 2>/dev/null | grep -E '^msgid "[^"]' | head -20 | sed 's/^/# untranslated: /'
    failed=1
  fi

  n=$((n + 1))
  if [[ $template_ok -ne 0 ]]; then
    echo "not ok $n - $lang: has every string of the sources # xgettext failed"
    sed 's/^/# /' "$tmp/xgettext.err"
    failed=1
  elif out=$(LC_ALL=C msgcmp "$po" "$tmp/template.pot" 2>&1); then
    echo "ok $n - $lang: has every string of the sources"
  else
    echo "not ok $n - $lang: has every string of the sources (msgmerge it with a new template)"
    grep -v 'warning: this message is not used' <<< "$out" | head -40 | sed 's/^/# /'
    failed=1
  fi
done
exit $failed
