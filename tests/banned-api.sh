#!/bin/bash
# TAP: the sources use none of the API that GTK 4.10 deprecates (style.md),
# and the core does not include GTK.
set -uo pipefail
root=${1:?source root}
cd "$root" || exit 1

# The one file allowed to name GtkFileChooser (GtkFileDialog needs 4.10).
chooser_wrapper='src/ui/xgb-file-chooser.c'

banned=(
  'GtkDialog\b|gtk_dialog_'
  'GtkMessageDialog|gtk_message_dialog_'
  'GtkAssistant|gtk_assistant_'
  'GtkInfoBar|gtk_info_bar_'
  'GtkStatusbar|gtk_statusbar_'
  'GtkTreeView|gtk_tree_view_'
  'GtkTreeStore|gtk_tree_store_'
  'GtkListStore|gtk_list_store_'
  'GtkCellRenderer|gtk_cell_renderer_'
  'GtkComboBox|gtk_combo_box_'
  'GtkEntryCompletion|gtk_entry_completion_'
  'gtk_widget_show\b|gtk_widget_hide\b|gtk_widget_show_all'
  'GtkStyleContext|gtk_widget_get_style_context|gtk_style_context_(get|set|save|restore|add_class|remove_class|has_class|lookup)'
  'XMPP_CONN_FLAG_TRUST_TLS'
  'Wno-deprecated-declarations|GLIB_DISABLE_DEPRECATION_WARNINGS|GDK_DISABLE_DEPRECATION_WARNINGS'
)

mapfile -t files < <(find src meson.build -type f \( -name '*.c' -o -name '*.h' -o -name '*.ui' -o -name 'meson.build' \) | sort)

n=$(( ${#banned[@]} + 2 ))
echo "1..$n"
i=0
for pattern in "${banned[@]}"; do
  i=$((i + 1))
  hits=$(grep -nE "$pattern" "${files[@]}" 2>/dev/null || true)
  echo "$hits" | grep -q . || hits=''
  if [[ -n $hits ]]; then
    echo "not ok $i - banned: $pattern"
    echo "$hits" | sed 's/^/# /'
  else
    echo "ok $i - not used: $pattern"
  fi
done

i=$((i + 1))
hits=$(grep -nE 'GtkFileChooser|gtk_file_chooser_' "${files[@]}" 2>/dev/null | grep -v "^$chooser_wrapper:" || true)
if [[ -n $hits ]]; then
  echo "not ok $i - GtkFileChooser outside $chooser_wrapper"
  echo "$hits" | sed 's/^/# /'
else
  echo "ok $i - GtkFileChooser only in $chooser_wrapper"
fi

i=$((i + 1))
hits=$(grep -rnE '#\s*include\s*[<"](gtk|gdk|gsk)/' src/core src/cli 2>/dev/null || true)
if [[ -n $hits ]]; then
  echo "not ok $i - src/core and src/cli include no GTK header"
  echo "$hits" | sed 's/^/# /'
else
  echo "ok $i - src/core and src/cli include no GTK header"
fi
