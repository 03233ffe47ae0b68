#!/usr/bin/env bash
# The collection as a release ships it, checked with the ecosystem's own tools: the tarball of
# `ansible-galaxy collection build` (its file list), galaxy-importer with Automation Hub's settings
# (scripts/galaxy-importer.cfg), `antsibull-docs lint-collection-docs`, `antsibull-changelog lint`, and
# `ansible-builder create` of examples/execution-environment.yml (a build context; no container is built).
# The tools live in their own venv, .cache/release-tools, installed from scripts/release-requirements.txt
# (reinstalled when that file changes), so .venv stays lean. Quiet unless something fails.
# Usage: scripts/release-check.sh   (make release-check; a stage of make test)
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "$0")/env.sh"
TOOLS=$ROOT/.cache/release-tools
REQS=scripts/release-requirements.txt
key=$(sha256sum "$REQS" | cut -d' ' -f1)
if [[ ! -x $TOOLS/bin/python || $(cat "$TOOLS/.requirements-sha256" 2>/dev/null) != "$key" ]]; then
  echo "release-check: installing the release tools into .cache/release-tools (about a minute the first time)"
  rm -rf "$TOOLS"
  .venv/bin/python -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS" 2>&1 | grep -v "is ignored" || true
  "$TOOLS/bin/python" -c 'import galaxy_importer, antsibull_docs, ansible_builder' \
    || { echo "release-check: installing the release tools failed" >&2; exit 1; }
  echo "$key" >"$TOOLS/.requirements-sha256"
fi
export PATH=$TOOLS/bin:$PATH

# Outside the checkout: antsibull-docs copies a collection that sits in a git work tree by its tracked files.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/accountguard-release.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
OUT=$ROOT/.cache/release-check
rm -rf "$OUT" && mkdir -p "$OUT"
problems=0
fail() { echo "release-check: FAILED: $*"; problems=$((problems + 1)); }

# The files git would ship (tracked and untracked-not-ignored), as in the working tree.
mkdir -p "$WORK/src"
git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$WORK/src"
version=$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' galaxy.yml)
(cd "$WORK/src" && ansible-galaxy collection build --output-path "$OUT" >"$OUT/build.log" 2>&1) \
  || { cat "$OUT/build.log"; echo "release-check: FAILED: ansible-galaxy collection build"; exit 1; }
TARBALL=$OUT/accountguard-aws-$version.tar.gz

# What the tarball holds: what a user needs, none of the development set-up, no file a secret scanner flags.
tar -tzf "$TARBALL" | sed 's|/$||' | sort >"$OUT/files.txt"
for required in COPYING README.md CHANGELOG.rst meta/runtime.yml meta/execution-environment.yml requirements.txt changelogs/changelog.yaml; do
  grep -qx "$required" "$OUT/files.txt" || fail "the tarball lacks $required"
done
shipped=$(grep -E '^(Makefile|scripts|demo|extensions|\.ci|\.ansible-lint|\.gitignore|test-requirements\.txt|pytest\.ini|tests/benchmark)(/|$)|(^|/)[^/]*(vault[-_.]?pass|\.pem$|id_rsa)' "$OUT/files.txt" || true)
[[ -z $shipped ]] || fail "the tarball ships development or secret-looking files: $(echo "$shipped" | tr '\n' ' ')"

# galaxy-importer, with the declared dependency (amazon.aws) where ansible-doc finds it (its doc fragments).
mkdir -p "$WORK/deps/ansible_collections/amazon"
cp -r "$ROOT/.cache/collections/ansible_collections/amazon/aws" "$WORK/deps/ansible_collections/amazon/"
# (It writes importer_result.json into its working folder: .cache/release-check.)
if (cd "$OUT" && GALAXY_IMPORTER_CONFIG=$ROOT/scripts/galaxy-importer.cfg PYTHONPATH=$WORK/deps \
    python -m galaxy_importer.main "$TARBALL" >"$OUT/galaxy-importer.log" 2>&1) \
    && grep -q "Importer processing completed successfully" "$OUT/galaxy-importer.log" \
    && ! grep -qE "^(WARNING|ERROR)" "$OUT/galaxy-importer.log"; then
  echo "galaxy-importer (Automation Hub settings) on accountguard-aws-$version.tar.gz: clean"
else
  grep -E "^(WARNING|ERROR)|Traceback|Error" "$OUT/galaxy-importer.log" || tail -20 "$OUT/galaxy-importer.log"
  fail "galaxy-importer (log: .cache/release-check/galaxy-importer.log)"
fi

# antsibull-docs on the collection installed from the tarball, next to amazon.aws (--force: the collections root of
# the checkout, on ANSIBLE_COLLECTIONS_PATH, has the same version, and ansible-galaxy would install nothing).
ansible-galaxy collection install --offline --no-deps --force -p "$WORK/deps" "$TARBALL" >"$OUT/install.log" 2>&1 \
  || { cat "$OUT/install.log"; fail "ansible-galaxy collection install of the tarball"; }
if ANSIBLE_COLLECTIONS_PATH=$WORK/deps antsibull-docs lint-collection-docs --plugin-docs \
    "$WORK/deps/ansible_collections/accountguard/aws" >"$OUT/antsibull-docs.log" 2>&1; then
  echo "antsibull-docs lint-collection-docs --plugin-docs: clean"
else
  cat "$OUT/antsibull-docs.log"; fail "antsibull-docs lint-collection-docs"
fi
if antsibull-changelog lint >"$OUT/antsibull-changelog.log" 2>&1 && [[ ! -s $OUT/antsibull-changelog.log ]]; then
  echo "antsibull-changelog lint: clean"
else
  cat "$OUT/antsibull-changelog.log"; fail "antsibull-changelog lint"
fi
# The version being shipped is a release of the changelog (antsibull-changelog release), and CHANGELOG.rst has it.
if python - "$version" changelogs/changelog.yaml CHANGELOG.rst <<'PY'
import sys, yaml
version, changes, rst = sys.argv[1:]
releases = (yaml.safe_load(open(changes, encoding="utf-8")) or {}).get("releases") or {}
if version not in releases:
    sys.exit(f"release-check: galaxy.yml says {version}, which {changes} has no release for (run antsibull-changelog release)")
if f"v{version}\n" not in open(rst, encoding="utf-8").read():
    sys.exit(f"release-check: {rst} has no section v{version} (run antsibull-changelog generate)")
PY
then
  echo "changelog: release $version in changelogs/changelog.yaml and CHANGELOG.rst"
else
  fail "changelog release $version"
fi

# The example execution environment: ansible-builder create writes its build context, with the tarball in it,
# and ansible-builder's own introspection reads the collection's meta/execution-environment.yml.
mkdir -p "$WORK/ee/collections"
cp examples/execution-environment.yml "$WORK/ee/"
cp "$TARBALL" "$WORK/ee/collections/accountguard-aws.tar.gz"
if ansible-builder create -f "$WORK/ee/execution-environment.yml" -c "$OUT/ee-context" --output-filename Containerfile \
    >"$OUT/ansible-builder.log" 2>&1 \
    && [[ -f $OUT/ee-context/Containerfile && -f $OUT/ee-context/_build/collections/accountguard-aws.tar.gz ]] \
    && python "$OUT/ee-context/_build/scripts/introspect.py" introspect "$WORK/deps" >"$OUT/introspect.log" 2>&1 \
    && grep -q "boto3.*from collection accountguard.aws" "$OUT/introspect.log"; then
  echo "ansible-builder create -f examples/execution-environment.yml: build context in .cache/release-check/ee-context"
else
  cat "$OUT/ansible-builder.log" "$OUT/introspect.log" 2>/dev/null; fail "ansible-builder create"
fi

if (( problems )); then exit 1; fi
echo "release-check: accountguard-aws-$version.tar.gz ($(wc -l <"$OUT/files.txt") entries) passes (tarball in .cache/release-check)"
