#!/usr/bin/env python3
"""TAP: the man pages format without warnings and describe every option
(and for xgb-cli every command) that `PROGRAM --help` lists, and nothing
that it does not.

  check-man.py GROFF PROGRAM MAN_PAGE [--commands]

GROFF is "groff" or an empty string when meson did not find it.
"""
import os
import re
import shutil
import subprocess
import sys

from tap import Tap, bail_out

OPTION = re.compile(r'^\s+(?:-\w, )?(--[a-z][\w-]*)')
ENTRY = re.compile(r'^ {7}([a-z][\w-]*)\b')


def sections(text):
    """Splits a rendered man page into {SECTION NAME: [lines]}."""
    found, current = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.upper() == line:
            current = line.strip()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return found


def help_of(program):
    env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
    env['LANG'] = env['LC_ALL'] = 'C.UTF-8'
    env.pop('LANGUAGE', None)
    run = subprocess.run([program, '--help'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, env=env, timeout=30)
    if run.returncode != 0:
        bail_out(f'{program} --help exited with {run.returncode}:\n{run.stdout}')
    return run.stdout


def help_commands(text):
    commands, inside = [], False
    for line in text.splitlines():
        if line.strip() == 'Commands:':
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = re.match(r'^  ([a-z][\w-]*)\s{2,}', line)
            if m:
                commands.append(m.group(1))
    return commands


def main():
    groff, program, page = sys.argv[1:4]
    with_commands = '--commands' in sys.argv[4:]
    name = os.path.basename(program)
    tap = Tap()

    groff = groff or shutil.which('groff')
    if not groff:
        bail_out('groff is not installed: Debian package groff-base (build-aux/test installs it)')

    lint = subprocess.run([groff, '-man', '-ww', '-z', '-Tutf8', page],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tap.check(lint.returncode == 0 and not lint.stdout.strip(),
              f'{os.path.basename(page)} formats without warnings', [lint.stdout] if lint.stdout.strip() else [])

    render = subprocess.run([groff, '-man', '-Tascii', '-P-cbou', '-rLL=200n', page],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, LANG='C.UTF-8'))
    man = sections(render.stdout)
    for required in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS' if with_commands else 'SEE ALSO'):
        tap.check(required in man, f'the man page has the section {required}')

    usage = help_of(program)
    options = sorted({m.group(1) for line in usage.splitlines() if (m := OPTION.match(line))})
    documented = sorted({m.group(1) for line in man.get('OPTIONS', []) if (m := OPTION.match(line))})
    missing = [o for o in options if o not in documented]
    stale = [o for o in documented if o not in options]
    tap.check(options and not missing, f'every option of {name} --help is described under OPTIONS',
              [f'missing: {" ".join(missing)}'] if missing else [])
    tap.check(not stale, f'OPTIONS describes no option that {name} does not have',
              [f'not in --help: {" ".join(stale)}'] if stale else [])

    if with_commands:
        commands = help_commands(usage)
        listed = sorted({m.group(1) for line in man.get('COMMANDS', []) if (m := ENTRY.match(line))})
        missing = [c for c in commands if c not in listed]
        stale = [c for c in listed if c not in commands]
        tap.check(commands and not missing, f'every command of {name} --help is described under COMMANDS',
                  [f'missing: {" ".join(missing)}'] if missing else [f'{len(commands)} commands'])
        tap.check(not stale, f'COMMANDS describes no command that {name} does not have',
                  [f'not in --help: {" ".join(stale)}'] if stale else [])

    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
