#!/usr/bin/env python3
"""Counts TAP test points in meson's testlog.json files.

  tap-summary.py [LABEL=]TESTLOG.json...

Prints the failed and skipped points of each log, a line per labelled
log, then one closing line "N passed, N failed, N skipped" over all of
them. Exits 1 when a point failed, a program failed without saying which
point, an integration or UI test was skipped (those must run: a skipped
server test proves nothing), or a log is missing or empty.
"""
import json
import re
import sys

POINT = re.compile(r'^(not )?ok\b\s*(\d+)?\s*-?\s*(.*?)(?:\s+#\s*(SKIP|TODO)\b\s*(.*))?$', re.I)
PLAN_SKIP = re.compile(r'^1\.\.0\s*#\s*SKIP\b\s*(.*)$', re.I)
MUST_RUN = {'integration', 'ui'}


def suites_of(name):
    # "project:suite1+suite2 / test"
    head = name.split(' / ', 1)[0]
    return set(head.split(':', 1)[-1].split('+')) if ':' in head else set()


def count(path):
    passed = failed = skipped = 0
    failures, skips = [], []
    forbidden_skip = False

    try:
        with open(path, encoding='utf-8') as log:
            entries = [json.loads(line) for line in log if line.strip()]
    except OSError as e:
        return 0, 1, 0, [f'{path}: {e.strerror}'], [], False
    if not entries:
        failures.append(f'{path}: no test ran')
        failed += 1

    for entry in entries:
        name, result = entry['name'], entry['result']
        suites = suites_of(name)
        points = fails_here = 0
        for line in (entry.get('stdout') or '').splitlines():
            line = line.rstrip()
            plan_skip = PLAN_SKIP.match(line)
            if plan_skip:
                skipped += 1
                points += 1
                skips.append(f'{name}: {plan_skip.group(1) or "skipped"}')
                forbidden_skip |= bool(suites & MUST_RUN)
                continue
            if line.startswith('Bail out!'):
                failed += 1
                fails_here += 1
                points += 1
                failures.append(f'{name}: {line}')
                continue
            m = POINT.match(line)
            if not m:
                continue
            points += 1
            is_not, _, desc, directive, reason = m.groups()
            directive = (directive or '').upper()
            if directive == 'SKIP':
                skipped += 1
                skips.append(f'{name}: {desc} ({reason or "skipped"})')
                forbidden_skip |= bool(suites & MUST_RUN)
            elif directive == 'TODO':
                skipped += 1
                skips.append(f'{name}: {desc} (TODO {reason})')
            elif is_not:
                failed += 1
                fails_here += 1
                failures.append(f'{name}: not ok {desc}')
            else:
                passed += 1

        if points == 0:
            # Not a TAP program (plain exit status), or it died before
            # printing anything: one point for the program itself.
            if result == 'OK':
                passed += 1
            elif result == 'SKIP':
                skipped += 1
                skips.append(f'{name}: skipped')
                forbidden_skip |= bool(suites & MUST_RUN)
            else:
                failed += 1
                failures.append(f'{name}: {result}')
        elif result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and fails_here == 0:
            # e.g. a crash or a timeout after the last point it printed
            failed += 1
            failures.append(f'{name}: {result} (after {points} points)')

    return passed, failed, skipped, failures, skips, forbidden_skip


def main(args):
    totals = [0, 0, 0]
    bad = False
    labelled = []
    for arg in args or ['meson-logs/testlog.json']:
        label, _, path = arg.rpartition('=')
        passed, failed, skipped, failures, skips, forbidden_skip = count(path)
        where = f'{label}: ' if label else ''
        if skips:
            print(f'{where}Skipped ({len(skips)}):')
            for s in skips:
                print(f'  {s}')
        if failures:
            print(f'{where}Failed ({len(failures)}):')
            for f in failures:
                print(f'  {f}')
        if forbidden_skip:
            print(f'{where}An integration or UI test was skipped: that counts as a failure.')
        bad |= bool(failed or forbidden_skip)
        totals = [totals[0] + passed, totals[1] + failed, totals[2] + skipped]
        if label:
            labelled.append(f'  {label}: {passed} passed, {failed} failed, {skipped} skipped')
    for line in labelled:
        print(line)
    print(f'{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
