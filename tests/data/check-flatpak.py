#!/usr/bin/env python3
"""TAP: the Flatpak manifest (build-aux/flatpak/org.xgb.Broker.json) is valid
JSON, builds every dependency of meson.build from a pinned source or takes it
from the GNOME runtime, and asks for no more than the app needs.

  check-flatpak.py SOURCE_ROOT APP_ID PROGRAM...

It cannot be built here (no network, no flatpak-builder): README says how.
"""
import json
import os
import re
import sys

from tap import Tap, bail_out

# pkg-config names the GNOME runtime (org.gnome.Sdk) provides.
RUNTIME_PROVIDES = {'glib-2.0', 'gobject-2.0', 'gio-2.0', 'gtk4', 'openssl', 'libxml-2.0',
                    'libsecret-1'}
# GTK 4.8 (the project's baseline) came with GNOME 43.
OLDEST_RUNTIME = 43

# What the sandbox may have: network, the display, the certificate
# database read-only; everything else goes through the portals.
REQUIRED_ARGS = {'--share=network', '--socket=wayland', '--socket=fallback-x11', '--filesystem=~/.pki:ro'}
ALLOWED_ARGS = REQUIRED_ARGS | {'--share=ipc', '--device=dri'}


def version_tuple(text):
    return tuple(int(p) for p in re.findall(r'\d+', text))


def main():
    root, app_id, *programs = sys.argv[1:]
    path = os.path.join(root, 'build-aux', 'flatpak', f'{app_id}.json')
    tap = Tap()

    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        bail_out(f'{path} is not valid JSON: {error}')
    tap.check(True, f'{os.path.relpath(path, root)} is valid JSON')

    tap.check(manifest.get('app-id') == app_id, f'the app id is {app_id}', [manifest.get('app-id')])
    runtime_version = str(manifest.get('runtime-version', ''))
    tap.check(manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk'
              and runtime_version.isdigit() and int(runtime_version) >= OLDEST_RUNTIME,
              f'runs on the GNOME runtime {OLDEST_RUNTIME} or newer (GTK 4.8 or newer)',
              [f"{manifest.get('runtime')}//{runtime_version}, sdk {manifest.get('sdk')}"])
    tap.check(manifest.get('command') in programs, 'the command is an installed program',
              [manifest.get('command')])

    args = manifest.get('finish-args', [])
    missing = sorted(REQUIRED_ARGS - set(args))
    extra = sorted(set(args) - ALLOWED_ARGS)
    tap.check(not missing, 'the sandbox has network, display and ~/.pki read-only', missing)
    tap.check(not extra, 'the sandbox asks for nothing else (other files through the portal)', extra)

    modules = {m.get('name'): m for m in manifest.get('modules', []) if isinstance(m, dict)}

    meson = ''
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(('_', '.'))]   # build dirs, .git
        if 'meson.build' in files:
            with open(os.path.join(folder, 'meson.build'), encoding='utf-8') as f:
                meson += f.read()
    deps = dict(re.findall(r"dependency\(\s*'([^']+)'\s*(?:,\s*version:\s*'([^']*)')?", meson))
    unnamed = [d for d in deps if d not in RUNTIME_PROVIDES and d not in modules]
    tap.check(deps and not unnamed,
              'every dependency in the meson.build files comes from the runtime or a module of the manifest',
              [f'not provided: {" ".join(unnamed)}'] if unnamed else [f'{" ".join(sorted(deps))}'])

    strophe = modules.get('libstrophe')
    tap.check(strophe is not None, 'a module builds libstrophe')
    sources = (strophe or {}).get('sources', [])
    archive = next((s for s in sources if isinstance(s, dict) and s.get('type') == 'archive'), {})
    url = archive.get('url', '')
    m = re.search(r'libstrophe-(\d+(?:\.\d+)+)\.tar\.(?:xz|gz|bz2)$', url)
    wanted = deps.get('libstrophe', '').lstrip('>= ')
    tap.check(url.startswith('https://github.com/strophe/libstrophe/releases/download/') and m,
              'libstrophe comes from its release tarball', [url])
    tap.check(m and version_tuple(m.group(1)) >= version_tuple(wanted),
              f'the tarball is libstrophe {wanted} or newer, as meson.build needs', [url])
    tap.check(re.fullmatch(r'[0-9a-f]{64}', archive.get('sha256', '')),
              'the tarball is pinned by its sha256 (64 hex digits)', [archive.get('sha256')])

    app = list(modules.values())[-1] if modules else {}
    app_sources = app.get('sources', [])
    local = next((s for s in app_sources if isinstance(s, dict) and s.get('type') == 'dir'), {})
    source_dir = os.path.normpath(os.path.join(os.path.dirname(path), local.get('path', '/nonexistent')))
    tap.check(app.get('buildsystem') == 'meson' and os.path.samefile(source_dir, root)
              if os.path.isdir(source_dir) else False,
              'the last module builds this source tree with meson', [f"{app.get('name')}: {local}"])
    names = list(modules)
    tap.check('libstrophe' in names and names.index('libstrophe') < len(names) - 1,
              'libstrophe is built before the app', names)

    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
