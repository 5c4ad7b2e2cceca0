"""Dependency audit of the lock file (``make audit``; issue 15 item 15).

``make audit`` exports uv.lock to a pinned requirements file and runs this module on it.

- Where PyPI's per-release JSON (``/pypi/<name>/<version>/json``, the advisory data
  pip-audit's PyPI service reads) can be reached, it runs pip-audit on the file, strictly:
  a package that cannot be checked fails the audit instead of being skipped.
- Where it cannot (as on the development machines of this project, which reach PyPI's
  project pages but not its per-release pages), it falls back to what the registry does
  offer: the project JSON (``/pypi/<name>/json``), whose ``vulnerabilities`` are those of
  the latest release. A package locked at its latest release is audited in full that way;
  one locked behind it cannot be, and is listed so, with the command for a machine on the
  open network.

Exit status: 0 when no known vulnerability affects a locked version, 1 when one does,
2 when the registry cannot be reached at all.
"""

from __future__ import annotations

import json
import re

# subprocess runs pip-audit with a fixed argument list and no shell.
import subprocess  # nosec B404
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PYPI = "https://pypi.org/pypi"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
NETWORKED_COMMAND = (
    "uv export --frozen --all-groups --no-emit-project -o requirements-audit.txt && "
    "pip-audit --strict --disable-pip -r requirements-audit.txt"
)

# (url) -> parsed JSON, or None when the registry answers 404.
Fetch = Callable[[str], dict | None]


@dataclass
class Report:
    audited: list[str] = field(default_factory=list)
    behind: list[tuple[str, str, str]] = field(default_factory=list)  # name, locked, latest
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # + id, fixed in


def pins(requirements: str) -> list[tuple[str, str]]:
    """``name==version`` pairs of an exported requirements file (hashes and markers aside)."""
    found = []
    for line in requirements.splitlines():
        match = PIN.match(line.strip())
        if match:
            found.append((match.group(1).lower(), match.group(2)))
    return found


def fetch_json(url: str) -> dict | None:
    # Every URL is built from the https:// PYPI constant: no file: or custom scheme.
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310
            return dict(json.load(response))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def per_release_data_reachable(pinned: list[tuple[str, str]], fetch: Fetch) -> bool:
    name, version = pinned[0]
    return fetch(f"{PYPI}/{name}/{version}/json") is not None


def audit_latest_releases(pinned: list[tuple[str, str]], fetch: Fetch) -> Report:
    """Audit each package that is locked at its latest release from the project JSON."""
    report = Report()
    for name, version in pinned:
        project = fetch(f"{PYPI}/{name}/json")
        if project is None:
            report.behind.append((name, version, "?"))
            continue
        latest = str(project["info"]["version"])
        if latest != version:
            report.behind.append((name, version, latest))
            continue
        report.audited.append(name)
        for vuln in project.get("vulnerabilities") or []:
            if vuln.get("withdrawn"):
                continue
            fixed = ", ".join(vuln.get("fixed_in") or []) or "-"
            report.findings.append((name, version, str(vuln.get("id")), fixed))
    return report


def print_report(report: Report, total: int) -> None:
    print(
        "Per-release advisory data is not reachable here: audited the "
        f"{len(report.audited)} of {total} locked packages that are at their latest release."
    )
    for name, version, vuln_id, fixed in report.findings:
        print(f"VULNERABLE {name} {version}: {vuln_id} (fixed in {fixed})")
    if report.behind:
        print(f"Not audited here ({len(report.behind)}, locked behind their latest release):")
        for name, version, latest in report.behind:
            print(f"  {name} {version} (latest {latest})")
        print(f"Audit these on a machine on the open network: {NETWORKED_COMMAND}")
    if not report.findings:
        print("No known vulnerability in the audited packages.")


def main(argv: list[str], fetch: Fetch = fetch_json) -> int:
    path = Path(argv[0])
    pinned = pins(path.read_text())
    if not pinned:
        print(f"{path}: no pinned requirements", file=sys.stderr)
        return 2
    try:
        if per_release_data_reachable(pinned, fetch):
            command = [
                str(Path(sys.executable).with_name("pip-audit")),
                "--strict",
                "--disable-pip",
                "--progress-spinner=off",
                "--vulnerability-service=pypi",
                "-r",
                str(path),
            ]
            # Our own argument list (the interpreter's pip-audit, the exported file), no shell.
            return subprocess.run(command, check=False).returncode  # noqa: S603  # nosec B603
        report = audit_latest_releases(pinned, fetch)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        print(f"The package registry cannot be reached ({error}).", file=sys.stderr)
        print(f"On a machine on the open network: {NETWORKED_COMMAND}", file=sys.stderr)
        return 2
    print_report(report, len(pinned))
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
