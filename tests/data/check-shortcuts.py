#!/usr/bin/env python3
"""TAP: the shortcuts window (src/ui/gtk/help-overlay.ui) lists every key
binding of the code in src/ui, in the group of the window that has it, and
lists nothing the code does not have.

  check-shortcuts.py SOURCE_ROOT

Bindings are found in the C sources (gtk_widget_class_add_binding*,
gtk_application_set_accels_for_action with its accelerator arrays,
gtk_shortcut_trigger_parse_string, gtk_keyval_trigger_new) and in the .ui
files (GtkShortcut triggers, menu "accel" attributes).
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

from tap import Tap

# Which group of the shortcuts window lists the bindings of which file.
# A new file with key bindings must be added here AND to help-overlay.ui.
FILE_GROUPS = {
    'xgb-application.c': ['group_general'],
    'xgb-window.c': ['group_general', 'group_nodes'],
    'xgb-items-view.c': ['group_items'],
    'xgb-payload-window.c': ['group_payload'],
    'xgb-pending-window.c': ['group_pending'],
    'xgb-check-window.c': ['group_check'],
    'xgb-audit-window.c': ['group_audit'],
    'xgb-trust-dialog.c': ['group_dialogs'],
    'xgb-cert-picker.c': ['group_dialogs'],
    'xgb-bulk-dialog.c': ['group_dialogs'],
    'xgb-confirm-dialog.c': ['group_dialogs'],
    'xgb-create-dialog.c': ['group_dialogs'],
    'xgb-delete-dialog.c': ['group_dialogs'],
    'xgb-options-dialog.c': ['group_dialogs'],
}

# Shortcuts that GTK widgets provide, not a binding in our code. Each is
# listed only while the evidence (a string in a file) is there.
WIDGET_SHORTCUTS = [
    ('group_general', '<ctrl>question', 'gtk/help-overlay.ui', 'id="help_overlay"',
     'GtkApplication binds Ctrl+? to win.show-help-overlay'),
    ('group_general', 'F10', 'xgb-window.ui', '<property name="primary">true</property>',
     'GtkMenuButton with primary set: F10 opens the main menu'),
    ('group_nodes', 'Escape', 'xgb-browser-view.ui', 'name="stop-search"',
     'GtkSearchEntry: Esc emits stop-search'),
    ('group_items', 'Return', 'xgb-items-view.ui', 'handler="row_activated_cb"',
     'GtkColumnView: Enter activates the row'),
    ('group_pending', 'Return', 'xgb-pending-window.ui', 'name="row-activated"',
     'GtkListBox: Enter activates the row'),
    ('group_dialogs', 'Return', 'xgb-create-dialog.ui', 'name="activate"',
     'GtkEntry: Enter emits activate'),
]

MODIFIERS = {
    'control': 'ctrl', 'ctrl': 'ctrl', 'primary': 'ctrl', 'shift': 'shift',
    'alt': 'alt', 'mod1': 'alt', 'super': 'super', 'meta': 'meta', 'hyper': 'hyper',
}
MASKS = {
    'GDK_CONTROL_MASK': 'ctrl', 'GDK_SHIFT_MASK': 'shift', 'GDK_ALT_MASK': 'alt',
    'GDK_SUPER_MASK': 'super', 'GDK_META_MASK': 'meta', 'GDK_HYPER_MASK': 'hyper',
}
KEY_ALIASES = {'esc': 'escape', 'enter': 'return', 'kp_enter': 'return', 'del': 'delete'}


def normalize_key(key, mods):
    if len(key) == 1 and key.isalpha() and key.isupper():
        mods = mods | {'shift'}
    key = key.lower()
    return frozenset(mods), KEY_ALIASES.get(key, key)


def parse_accel(text):
    """'<Control><Shift>c' -> (frozenset({'ctrl', 'shift'}), 'c'); None if unparsable."""
    mods = set()
    rest = text.strip()
    while rest.startswith('<'):
        end = rest.find('>')
        if end < 0:
            return None
        name = rest[1:end].lower()
        if name not in MODIFIERS:
            return None
        mods.add(MODIFIERS[name])
        rest = rest[end + 1:]
    if not rest or not re.fullmatch(r'[A-Za-z0-9_]+', rest):
        return None
    return normalize_key(rest, mods)


def parse_mask(expr):
    expr = expr.strip()
    if expr in ('0', 'GDK_NO_MODIFIER_MASK'):
        return set()
    mods = set()
    for part in expr.split('|'):
        part = part.strip().strip('()')
        if part not in MASKS:
            raise ValueError(f'unknown modifier {part!r}')
        mods.add(MASKS[part])
    return mods


def show(accel):
    mods, key = accel
    return ''.join(f'<{m}>' for m in sorted(mods)) + key


def code_bindings(ui_dir):
    """Returns [(file, accel, where)] for every binding in src/ui."""
    found = []
    for path in sorted(glob.glob(os.path.join(ui_dir, '**', '*.c'), recursive=True)):
        name = os.path.relpath(path, ui_dir)
        text = open(path, encoding='utf-8').read()
        for m in re.finditer(r'gtk_widget_class_add_binding\w*\s*\(\s*[^,]+,\s*GDK_KEY_(\w+)\s*,\s*([^,]+?)\s*,', text):
            found.append((name, normalize_key(m.group(1), parse_mask(m.group(2))), m.group(0).split('(')[0].strip()))
        for m in re.finditer(r'gtk_keyval_trigger_new\s*\(\s*GDK_KEY_(\w+)\s*,\s*([^)]+?)\s*\)', text):
            found.append((name, normalize_key(m.group(1), parse_mask(m.group(2))), 'gtk_keyval_trigger_new'))
        for m in re.finditer(r'gtk_shortcut_trigger_parse_string\s*\(\s*"([^"]+)"', text):
            for accel in m.group(1).split('|'):
                found.append((name, parse_accel(accel), 'gtk_shortcut_trigger_parse_string'))
        for m in re.finditer(r'set_accels_for_action\s*\([^,]+,\s*"([^"]+)"\s*,\s*([^)]*\)?)\s*\)', text):
            target = m.group(2).strip()
            literal = re.search(r'\{([^}]*)\}', target)
            if literal is None:
                array = re.search(r'\b' + re.escape(target) + r'\s*\[\s*\]\s*=\s*\{([^}]*)\}', text)
                literal = array
            if literal is None:
                found.append((name, None, f'accels of {m.group(1)}: cannot find {target}'))
                continue
            for accel in re.findall(r'"([^"]+)"', literal.group(1)):
                found.append((name, parse_accel(accel), f'{m.group(1)}'))
    for path in sorted(glob.glob(os.path.join(ui_dir, '**', '*.ui'), recursive=True)):
        name = os.path.relpath(path, ui_dir)
        if name == os.path.join('gtk', 'help-overlay.ui'):
            continue
        tree = ET.parse(path).getroot()
        for obj in tree.iter('object'):
            if obj.get('class') == 'GtkShortcut':
                for prop in obj.findall('property'):
                    if prop.get('name') == 'trigger':
                        for accel in (prop.text or '').split('|'):
                            found.append((name, parse_accel(accel), 'GtkShortcut'))
        for attribute in tree.iter('attribute'):
            if attribute.get('name') == 'accel':
                found.append((name, parse_accel(attribute.text or ''), 'menu accel'))
    return found


def overlay_groups(path):
    """{group id: {accel: title}} from the shortcuts window."""
    groups = {}
    for group in ET.parse(path).getroot().iter('object'):
        if group.get('class') != 'GtkShortcutsGroup':
            continue
        entries = groups.setdefault(group.get('id'), {})
        for shortcut in group.iter('object'):
            if shortcut.get('class') != 'GtkShortcutsShortcut':
                continue
            props = {p.get('name'): p.text or '' for p in shortcut.findall('property')}
            if not props.get('accelerator', '').split() or not props.get('title'):
                entries[('unparsable', f'a shortcut without accelerator or title: {props}')] = ''
            for accel in props.get('accelerator', '').split():
                entries[parse_accel(accel) or ('unparsable', accel)] = props.get('title', '')
    return groups


def main():
    root = sys.argv[1]
    ui_dir = os.path.join(root, 'src', 'ui')
    overlay_path = os.path.join(ui_dir, 'gtk', 'help-overlay.ui')
    tap = Tap()

    groups = overlay_groups(overlay_path)
    bad = [f'{g}: {a[1]}' for g, entries in groups.items() for a in entries if a[0] == 'unparsable']
    tap.check(groups and None not in groups and not bad,
              'every group of the shortcuts window has an id, every shortcut a title and parsable accelerators',
              bad)

    bindings = code_bindings(ui_dir)
    tap.check(len(bindings) >= 10, f'the code has key bindings to check ({len(bindings)} found)')
    unparsed = [f'{f}: {w}' for f, a, w in bindings if a is None]
    tap.check(not unparsed, 'every binding in the code could be read', unparsed)

    unmapped = sorted({f for f, a, _ in bindings if f not in FILE_GROUPS})
    tap.check(not unmapped,
              'every file with key bindings has a group in the shortcuts window',
              [f'{f}: add a group to help-overlay.ui and to FILE_GROUPS in {os.path.basename(__file__)}'
               for f in unmapped])

    missing = []
    for name, accel, where in bindings:
        if accel is None or name not in FILE_GROUPS:
            continue
        if not any(accel in groups.get(g, {}) for g in FILE_GROUPS[name]):
            missing.append(f'{show(accel)} ({where} in {name}) is not in {" or ".join(FILE_GROUPS[name])}')
    tap.check(not missing, 'the shortcuts window lists every binding of the code', missing)

    known = {(g, a) for name, a, _ in bindings if a and name in FILE_GROUPS for g in FILE_GROUPS[name]}
    evidence_missing = []
    for group, accel, path, evidence, why in WIDGET_SHORTCUTS:
        try:
            present = evidence in open(os.path.join(ui_dir, path), encoding='utf-8').read()
        except OSError:
            present = False
        if present:
            known.add((group, parse_accel(accel)))
        else:
            evidence_missing.append(f'{accel} in {group}: {why}, but {path} no longer has {evidence}')
    stale = [f'{show(a)} “{title}” in {g}' for g, entries in groups.items() for a, title in entries.items()
             if (g, a) not in known]
    tap.check(not stale and not evidence_missing,
              'the shortcuts window lists no shortcut the app does not have', stale + evidence_missing)

    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
