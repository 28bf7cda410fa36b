#!/usr/bin/env python3
"""TAP: the desktop file, the AppStream metainfo and the icons agree with
each other and with the build (id, version, homepage, programs, screenshots).

  check-metainfo.py SOURCE_ROOT APP_ID VERSION HOMEPAGE DESKTOP METAINFO PROGRAM...

DESKTOP and METAINFO are the built (translated) files; PROGRAM are the
programs meson installs.
"""
import configparser
import os
import re
import sys
import xml.etree.ElementTree as ET

from tap import Tap

SVG = '{http://www.w3.org/2000/svg}'


def main():
    root, app_id, version, homepage, desktop_path, metainfo_path, *programs = sys.argv[1:]
    tap = Tap()

    meta = ET.parse(metainfo_path).getroot()
    desktop = configparser.ConfigParser(interpolation=None, strict=False)
    desktop.optionxform = str
    desktop.read(desktop_path, encoding='utf-8')
    entry = desktop['Desktop Entry']

    tap.check(meta.findtext('id') == app_id, f'metainfo id is {app_id}', [meta.findtext('id')])
    launchable = meta.find("launchable[@type='desktop-id']")
    tap.check(launchable is not None and launchable.text == os.path.basename(desktop_path),
              'metainfo launches the installed desktop file',
              [launchable.text if launchable is not None else 'no <launchable type="desktop-id">'])

    url = meta.findtext("url[@type='homepage']")
    tap.check(url == homepage, 'metainfo homepage is the About dialog\'s (meson.build homepage_url)',
              [f'metainfo: {url}', f'meson.build: {homepage}'])

    releases = meta.findall('releases/release')
    newest = releases[0].get('version') if releases else None
    tap.check(newest == version, f'newest release in the metainfo is the project version {version}',
              [f'metainfo: {newest}'])
    dated = all(re.fullmatch(r'\d{4}-\d{2}-\d{2}', r.get('date') or '') for r in releases)
    tap.check(releases and dated, 'every release has a date (YYYY-MM-DD)')

    provided = sorted(b.text for b in meta.findall('provides/binary'))
    tap.check(provided == sorted(programs), 'metainfo provides exactly the installed programs',
              [f'metainfo: {provided}', f'meson: {sorted(programs)}'])

    tap.check(meta.find('content_rating') is not None and meta.findtext('developer_name'),
              'metainfo has a content rating and a developer')

    shots = meta.findall('screenshots/screenshot')
    missing = []
    for shot in shots:
        image = shot.findtext('image') or ''
        name = image.rsplit('/', 1)[-1]
        if not image.startswith('https://') or not os.path.isfile(os.path.join(root, 'data', 'screenshots', name)):
            missing.append(image)
        if not shot.findtext('caption'):
            missing.append(f'{image}: no caption')
    defaults = [s for s in shots if s.get('type') == 'default']
    tap.check(shots and not missing and len(defaults) == 1,
              'every screenshot is an https address of a file in data/screenshots/, with a caption; one is the default',
              missing + [f'{len(defaults)} default screenshots'])

    exec_program = (entry.get('Exec') or '').split()[0:1]
    tap.check(exec_program and exec_program[0] in programs, 'the desktop file runs an installed program',
              [f'Exec={entry.get("Exec")}'])
    tap.check(entry.get('Icon') == app_id, f'the desktop file\'s icon is {app_id}', [f'Icon={entry.get("Icon")}'])
    tap.check(entry.get('Name') == meta.findtext('name'), 'desktop file and metainfo give the same name',
              [entry.get('Name'), meta.findtext('name')])

    icons = os.path.join(root, 'src', 'ui', 'icons')
    app_icon = os.path.join(icons, 'scalable', 'apps', f'{app_id}.svg')
    symbolic = os.path.join(icons, 'symbolic', 'apps', f'{app_id}-symbolic.svg')

    try:
        svg = ET.parse(app_icon).getroot()
        box = (svg.get('viewBox') or '').split()
        tap.check(svg.tag == SVG + 'svg' and len(box) == 4 and box[2] == box[3],
                  'the app icon is a square SVG with a viewBox', [app_icon])
    except (OSError, ET.ParseError) as error:
        tap.check(False, 'the app icon is a square SVG with a viewBox', [error])

    try:
        svg = ET.parse(symbolic).getroot()
        problems = []
        colours = set()
        if (svg.get('width'), svg.get('height')) != ('16', '16'):
            problems.append('not 16×16')
        for element in svg.iter():
            tag = element.tag.replace(SVG, '')
            if tag not in {'svg', 'g', 'path', 'circle', 'rect', 'ellipse', 'title', 'desc'}:
                problems.append(f'<{tag}> (only filled shapes recolour)')
            if any(k.startswith('stroke') for k in element.attrib) or 'stroke' in element.get('style', ''):
                problems.append(f'<{tag}> has a stroke (GTK recolours fills only)')
            if element.get('fill'):
                colours.add(element.get('fill').lower())
        if len(colours) > 1:
            problems.append(f'more than one colour: {sorted(colours)}')
        tap.check(not problems, 'the symbolic icon is 16×16, filled shapes in one colour', problems)
    except (OSError, ET.ParseError) as error:
        tap.check(False, 'the symbolic icon is 16×16, filled shapes in one colour', [error])

    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
