#!/usr/bin/env python3
"""Runs the short example commands of README.md as written, against generated data.

    python3 tests/readme/run_readme_examples.py [--build-dir build] [--keep]

Every ```bash block of README.md's section "A short tour" is read; each command
(backslash continuations joined, comments dropped) runs with bash in a scratch copy of
the repository root: build/ links to the build folder, ../shared to the real one, and
aunet-demo/ is made by `build/bin/aunet demo` on a small phantom (the folder setup.sh's
demo writes). Changes, each printed:
  - `bash scripts/setup.sh` / `bash scripts/test.sh` are not run (this test is their
    product);
  - a command naming a path that does not exist here (a dataset under /data, the shared
    example data) is skipped with a message;
  - the viewer gets --screenshot (offscreen) so it renders and quits instead of waiting
    for a user.
Exit 1 when any command fails or fewer than MIN_RUN commands ran.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

MIN_RUN = 7
SECTION = "## A short tour"


def readme_commands(readme):
    text = open(readme, encoding="utf-8").read()
    start = text.find(SECTION)
    if start < 0:
        sys.exit(f"README.md has no '{SECTION}' section")
    end = text.find("\n## ", start + len(SECTION))
    section = text[start:end if end > 0 else len(text)]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        pending = ""
        for raw in block.splitlines():
            line = raw.rstrip()
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = pending + line
            pending = ""
            # Drop a trailing comment: a '#' after whitespace, outside quotes.
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                words = None
            if not words:
                continue
            commands.append(line.split(" #")[0].strip() if " #" in line else line.strip())
    return commands


def missing_paths(command, cwd):
    """Absolute or ../ paths the command names that do not exist here."""
    missing = []
    for word in shlex.split(command, comments=True):
        if word.startswith("-"):
            continue
        if word.startswith("/") or word.startswith("../"):
            if not os.path.exists(os.path.join(cwd, word)):
                missing.append(word)
    return missing


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.environ.get("AUNET_BUILD_DIR", os.path.join(root, "build")))
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    if not os.access(os.path.join(build, "bin", "aunet"), os.X_OK):
        sys.exit(f"no {build}/bin/aunet: build first")

    scratch = tempfile.mkdtemp(prefix="aunet-readme-")
    repo = os.path.join(scratch, "repo")
    os.makedirs(repo)
    os.symlink(build, os.path.join(repo, "build"))
    os.symlink(os.path.join(root, "resources"), os.path.join(repo, "resources"))
    shared = os.path.join(os.path.dirname(root), "shared")
    if os.path.isdir(shared):
        os.symlink(shared, os.path.join(scratch, "shared"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    print("== generating aunet-demo/ (a 32^3 phantom; setup.sh's demo makes a 64^3 one)", flush=True)
    subprocess.run(["build/bin/aunet", "-q", "demo", "-o", "aunet-demo", "--size", "32", "--fit-steps", "10",
                    "--device", "cpu"], cwd=repo, env=env, check=True)

    ran, skipped, failed = 0, 0, []
    for command in readme_commands(os.path.join(root, "README.md")):
        if re.match(r"^bash scripts/(setup|test)\.sh", command):
            print(f"-- not run (this test runs inside what it sets up): {command}")
            skipped += 1
            continue
        missing = missing_paths(command, repo)
        if missing:
            print(f"-- skipped (needs {', '.join(missing)}, absent here): {command}")
            skipped += 1
            continue
        to_run = command
        if command.startswith("build/bin/aunet-viewer"):
            to_run += f" --screenshot {shlex.quote(os.path.join(scratch, 'viewer.png'))} --size 800x600"
            print(f"-- the viewer renders offscreen and quits: adding --screenshot")
        print(f"== {command}", flush=True)
        result = subprocess.run(["bash", "-c", to_run], cwd=repo, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=600)
        tail = "\n".join(result.stdout.splitlines()[-8:])
        if tail:
            print("   " + tail.replace("\n", "\n   "))
        ran += 1
        if result.returncode != 0:
            print(f"   FAILED (exit {result.returncode})")
            failed.append(command)

    print(f"\nREADME examples: {ran} ran, {skipped} skipped, {len(failed)} failed")
    for command in failed:
        print(f"  failed: {command}")
    if args.keep:
        print(f"kept: {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    if ran < MIN_RUN:
        print(f"fewer than {MIN_RUN} commands ran: did the README's tour change shape?")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
