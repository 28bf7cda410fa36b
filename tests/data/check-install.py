#!/usr/bin/env python3
"""TAP: `meson install --destdir` into a temporary folder installs every
file a desktop needs, and the installed programs run.

  check-install.py MESON BUILD_DIR SOURCE_ROOT APP_ID GETTEXT_PACKAGE VERSION \
                   BINDIR DATADIR MANDIR LOCALEDIR

The directories are absolute (prefix included), as meson gives them.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from tap import Tap, bail_out


def linguas(source_root):
    with open(os.path.join(source_root, 'po', 'LINGUAS'), encoding='utf-8') as f:
        return [w for line in f for w in line.split('#', 1)[0].split()]


def main():
    (meson, build_dir, source_root, app_id, gettext_package, version,
     bindir, datadir, mandir, localedir) = sys.argv[1:]
    tap = Tap()
    destdir = tempfile.mkdtemp(prefix='xgb-install-')

    try:
        run = subprocess.run([meson, 'install', '-C', build_dir, '--no-rebuild', '--destdir', destdir],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, DESTDIR=destdir))
        if run.returncode != 0:
            bail_out(f'meson install failed ({run.returncode}):\n{run.stdout}')

        def staged(path):
            return os.path.join(destdir, os.path.relpath(path, '/'))

        expected = {
            'the app': os.path.join(bindir, 'xgb-broker'),
            'the command-line tool': os.path.join(bindir, 'xgb-cli'),
            'the desktop file': os.path.join(datadir, 'applications', f'{app_id}.desktop'),
            'the AppStream metainfo': os.path.join(datadir, 'metainfo', f'{app_id}.metainfo.xml'),
            'the app icon': os.path.join(datadir, 'icons', 'hicolor', 'scalable', 'apps', f'{app_id}.svg'),
            'the symbolic icon': os.path.join(datadir, 'icons', 'hicolor', 'symbolic', 'apps',
                                              f'{app_id}-symbolic.svg'),
            'the GSettings schema': os.path.join(datadir, 'glib-2.0', 'schemas', f'{app_id}.gschema.xml'),
            'the man page of xgb-cli': os.path.join(mandir, 'man1', 'xgb-cli.1'),
            'the man page of xgb-broker': os.path.join(mandir, 'man1', 'xgb-broker.1'),
        }
        for language in linguas(source_root):
            expected[f'the {language} translation'] = os.path.join(
                localedir, language, 'LC_MESSAGES', f'{gettext_package}.mo')

        for what, path in expected.items():
            tap.check(os.path.isfile(staged(path)) and os.path.getsize(staged(path)) > 0,
                      f'installs {what}: {path}')

        for program in ('xgb-broker', 'xgb-cli'):
            path = staged(os.path.join(bindir, program))
            if not os.access(path, os.X_OK):
                tap.check(False, f'the installed {program} runs', [f'{path} is not executable'])
                continue
            env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
            out = subprocess.run([path, '--version'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, env=env, timeout=30)
            tap.check(out.returncode == 0 and out.stdout.strip() == f'{program} {version}',
                      f'the installed {program} runs and says it is version {version}', [out.stdout])

        # Nothing lands outside the prefix's usual folders.
        stray = []
        roots = [bindir, datadir, mandir, localedir]
        for folder, _, files in os.walk(destdir):
            for name in files:
                real = '/' + os.path.relpath(os.path.join(folder, name), destdir)
                if not any(real.startswith(r.rstrip('/') + '/') for r in roots):
                    stray.append(real)
        tap.check(not stray, 'installs nothing outside bin, share, man and locale folders', stray)
    finally:
        shutil.rmtree(destdir, ignore_errors=True)

    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
