"""A few lines of TAP for the data checks (build-aux/test counts points)."""
import sys


class Tap:
    def __init__(self):
        self.results = []

    def check(self, ok, description, details=()):
        """Records one test point; @details are printed as comments."""
        self.results.append((bool(ok), description, list(details)))
        return ok

    def finish(self):
        print(f'1..{len(self.results)}')
        failed = 0
        for number, (ok, description, details) in enumerate(self.results, 1):
            print(f'{"ok" if ok else "not ok"} {number} - {description}')
            for line in details if not ok else ():
                for part in str(line).splitlines() or ['']:
                    print(f'# {part}')
            failed += not ok
        sys.stdout.flush()
        return 1 if failed else 0


def bail_out(message):
    print(f'Bail out! {message}')
    sys.exit(1)
